package io.parley.llm;

import io.parley.answer.AnswerEvent;
import io.parley.answer.EntityValue;
import io.parley.answer.StructuredAnswer;
import io.parley.answer.StructuredAnswer.Form;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** From model content to what the customer sees and what is stored: clean text, bounded fields, honest form. */
class AnswerAssemblyTest {

    static final LlmConfig.AnswerLimits LIMITS = new LlmConfig.AnswerLimits() {
        public int maxEntities() {
            return 3;
        }

        public int maxEntityChars() {
            return 20;
        }

        public int maxSuggestions() {
            return 4;
        }

        public int maxSuggestionChars() {
            return 120;
        }
    };
    static final AnswerRules RULES = new AnswerRules(List.of("greeting", "order_status", "refund_request", "other"),
            List.of("order_id", "email"), LIMITS);
    static final StructuredAnswer OFFLINE = new StructuredAnswer("order_status", 0.7, List.of(new EntityValue("order_id", "AB1234567")),
            "neutral", false, List.of(), "offline text");

    record Run(List<AnswerEvent> events, StructuredAnswer answer) {
        String text() {
            return events.stream().filter(e -> e instanceof AnswerEvent.Text).map(e -> ((AnswerEvent.Text) e).text())
                    .collect(Collectors.joining());
        }

        AnswerEvent.Head head() {
            return events.stream().filter(e -> e instanceof AnswerEvent.Head).map(e -> (AnswerEvent.Head) e).findFirst().orElseThrow();
        }
    }

    static Run run(String content, String finishReason) {
        AnswerAssembly a = new AnswerAssembly(System.nanoTime(), RULES, () -> OFFLINE, "Sorry, please ask again.");
        List<AnswerEvent> events = new ArrayList<>();
        for (int i = 0; i < content.length(); i += 5) {
            events.addAll(a.onChunk(new ChatChunk("id", "m", content.substring(i, Math.min(content.length(), i + 5)), null, null, null)));
        }
        events.addAll(a.onChunk(new ChatChunk("id", "m", "", null, finishReason, null)));
        events.addAll(a.finish());
        assertThat(events.stream().filter(e -> e instanceof AnswerEvent.Head)).as("one head").hasSize(1);
        assertThat(events.get(0)).as("the head comes first").isInstanceOf(AnswerEvent.Head.class);
        return new Run(events, a.answer());
    }

    static void clean(Run r) {
        for (String s : List.of(r.text(), r.answer().answer())) {
            assertThat(s).doesNotContain("{").doesNotContain("\"intent\"").doesNotContain("```").doesNotContain("<think>");
        }
        assertThat(r.text()).isEqualTo(r.answer().answer());
    }

    @Test
    void aWholeObjectIsStructuredAndBounded() {
        Run r = run("{\"intent\": \"Order-Status\", \"confidence\": 0.876, \"entities\": [{\"type\": \"order_id\", \"value\": \"AB1\"},"
                + "{\"type\": \"order_id\", \"value\": \"AB1\"}, {\"type\": \"shoe_size\", \"value\": \"42\"},"
                + "{\"type\": \"email\", \"value\": \"" + "x".repeat(30) + "@a.b\"}], \"sentiment\": \"Negative\", \"handoff\": \"true\","
                + "\"answer\": \"On its way.\", \"suggestions\": [\"Track it\", \"track  it\", \"" + "s".repeat(2000) + "\", 7, \"{json}\","
                + "\"a\", \"b\", \"c\", \"d\"]}", "stop");
        clean(r);
        StructuredAnswer a = r.answer();
        assertThat(a.form()).isEqualTo(Form.STRUCTURED);
        assertThat(a.intent()).isEqualTo("order_status");
        assertThat(a.confidence()).isEqualTo(0.88);
        assertThat(a.entities()).containsExactly(new EntityValue("order_id", "AB1"));
        assertThat(a.sentiment()).isEqualTo("negative");
        assertThat(a.handoff()).isTrue();
        assertThat(a.suggestions()).containsExactly("Track it", "a", "b", "c");
        assertThat(a.finishReason()).isEqualTo("stop");
        assertThat(a.intentSource()).isNull();
        assertThat(r.head().intent()).isEqualTo("order_status");
    }

    @Test
    void anUnknownIntentIsOtherWithNoConfidence() {
        Run r = run("{\"intent\": \"weather\", \"confidence\": 5, \"entities\": [], \"answer\": \"Sunny.\"}", "stop");
        assertThat(r.answer().intent()).isEqualTo("other");
        assertThat(r.answer().confidence()).isZero();
        assertThat(r.head().intent()).isEqualTo("other");
    }

    @Test
    void confidenceIsANumberInZeroToOne() {
        assertThat(AnswerRules.confidence(node("1.7"))).isEqualTo(0.02); // a percentage
        assertThat(AnswerRules.confidence(node("170"))).isEqualTo(1);
        assertThat(AnswerRules.confidence(node("-0.3"))).isZero();
        assertThat(AnswerRules.confidence(node("\"0.456\""))).isEqualTo(0.46);
        assertThat(AnswerRules.confidence(node("\"high\""))).isZero();
        assertThat(AnswerRules.confidence(node("null"))).isZero();
    }

    @Test
    void plainTextIsTheAnswerWithTheOfflineIntent() {
        Run r = run("<think>hmm</think>We ship worldwide in 3 days.", "stop");
        clean(r);
        assertThat(r.answer().answer()).isEqualTo("We ship worldwide in 3 days.");
        assertThat(r.answer().form()).isEqualTo(Form.PLAIN);
        assertThat(r.answer().intent()).isEqualTo("order_status");
        assertThat(r.answer().intentSource()).isEqualTo("offline");
        assertThat(r.answer().truncated()).isFalse();
    }

    @Test
    void cutBeforeTheAnswerGivesTheFallbackMarkedTruncated() {
        Run r = run("{\"intent\": \"refund_request\", \"confidence\": 0.9, \"entities\": [{\"type\": \"order_id\", \"val", "length");
        clean(r);
        assertThat(r.answer().answer()).isEqualTo("Sorry, please ask again.");
        assertThat(r.answer().truncated()).isTrue();
        assertThat(r.answer().finishReason()).isEqualTo("length");
        assertThat(r.answer().intent()).isEqualTo("refund_request");
    }

    @Test
    void cutInsideTheAnswerKeepsWhatWasStreamed() {
        Run r = run("{\"intent\": \"greeting\", \"confidence\": 0.9, \"entities\": [], \"answer\": \"Hello, and welcome to", "length");
        clean(r);
        assertThat(r.answer().answer()).isEqualTo("Hello, and welcome to");
        assertThat(r.answer().truncated()).isTrue();
    }

    @Test
    void cutAfterTheAnswerIsAWholeTextWithoutItsSuggestions() {
        Run r = run("{\"intent\": \"greeting\", \"confidence\": 0.9, \"entities\": [], \"answer\": \"Hello!\", \"suggestions\": [\"Wh", "length");
        assertThat(r.answer().answer()).isEqualTo("Hello!");
        assertThat(r.answer().form()).isEqualTo(Form.PARTIAL);
        assertThat(r.answer().truncated()).isFalse();
        assertThat(r.answer().suggestions()).isEmpty();
    }

    @Test
    void emptyAndFilteredRepliesAreTheFallback() {
        Run empty = run("", "stop");
        assertThat(empty.answer().answer()).isEqualTo("Sorry, please ask again.");
        assertThat(empty.answer().truncated()).isTrue();
        assertThat(empty.answer().intentSource()).isEqualTo("offline");
        Run filtered = run("{\"intent\": \"greeting\", \"entities\": [], ", "content_filter");
        assertThat(filtered.answer().answer()).isEqualTo("Sorry, please ask again.");
        assertThat(filtered.answer().truncated()).isTrue();
        assertThat(filtered.answer().finishReason()).isEqualTo("content_filter");
    }

    @Test
    void brokenJsonGivesItsAnswerStringNeverItsSyntax() {
        Run r = run("{'intent': 'greeting', \"answer\": \"Hi \\\"there\\\"\", suggestions: [}", "stop");
        clean(r);
        assertThat(r.answer().answer()).isEqualTo("Hi \"there\"");
        Run noAnswer = run("{\"intent\": \"greeting\", \"entities\": [], \"reply\": \"Hello from reply\"}", "stop");
        assertThat(noAnswer.answer().answer()).isEqualTo("Hello from reply");
        assertThat(noAnswer.answer().form()).isEqualTo(Form.PARTIAL);
    }

    @Test
    void aBrokenStreamKeepsWhatWasShownWithItsIntent() {
        AnswerAssembly a = new AnswerAssembly(System.nanoTime(), RULES, () -> OFFLINE, "Sorry, please ask again.");
        a.onChunk(new ChatChunk("id", "m", "```json\n{\"intent\": \"greeting\", \"confidence\": 0.8, \"entities\": [], \"answer\": \"Hel", null, null, null));
        StructuredAnswer partial = a.interrupted();
        assertThat(partial.answer()).isEqualTo("Hel");
        assertThat(partial.intent()).isEqualTo("greeting");
        assertThat(partial.truncated()).isTrue();
    }

    @Test
    void anAnswerStringThatWrapsModelOutputIsUnwrappedNotShown() {
        Run encoded = run("{\"intent\": \"greeting\", \"entities\": [], \"answer\": \"{\\\"intent\\\": \\\"greeting\\\", "
                + "\\\"answer\\\": \\\"Hi there!\\\"}\"}", "stop");
        clean(encoded);
        assertThat(encoded.answer().answer()).isEqualTo("Hi there!");
        Run fenced = run("{\"intent\": \"greeting\", \"entities\": [], \"answer\": \"  ```\\nHello!\\n```\"}", "stop");
        clean(fenced);
        assertThat(fenced.answer().answer()).isEqualTo("Hello!");
        Run thinking = run("{\"intent\": \"greeting\", \"entities\": [], \"answer\": \"<think>hmm</think>Hey.\"}", "stop");
        clean(thinking);
        assertThat(thinking.answer().answer()).isEqualTo("Hey.");
        Run normal = run("{\"intent\": \"greeting\", \"entities\": [], \"answer\": \"  Hi {name}\"}", "stop");
        assertThat(normal.text()).isEqualTo("  Hi {name}");
        assertThat(normal.answer().form()).isEqualTo(Form.STRUCTURED);
    }

    private static com.fasterxml.jackson.databind.JsonNode node(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
