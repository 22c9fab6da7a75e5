package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerJsonParserTest {

    private static final String ANSWER = "{\"intent\": \"order_status\", \"confidence\": 0.9, "
            + "\"entities\": [{\"type\": \"order_id\", \"value\": \"AB1234567\"}, {\"type\": \"note\", \"value\": \"a } and ] inside\"}], "
            + "\"handoff\": false, \"suggestions\": [\"Track it\"], "
            + "\"answer\": \"Say \\\"hi\\\"\\n\\u4f60\\u597d, back\\\\slash \\ud83d\\ude00 已发货\"}";
    private static final String TEXT = "Say \"hi\"\n你好, back\\slash \uD83D\uDE00 已发货";

    /** What the listener saw, in order. */
    static final class Recorder implements AnswerJsonParser.Listener {
        final List<String> events = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        @Override
        public void field(String name, JsonNode value) {
            events.add("field:" + name);
        }

        @Override
        public void answerStarted() {
            events.add("answer");
        }

        @Override
        public void answerText(String piece) {
            assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).as("no half surrogate pair in %s", piece).isFalse();
            text.append(piece);
        }
    }

    @Test
    void everySplitPointGivesTheSameFieldsAndText() {
        for (int a = 1; a < ANSWER.length(); a++) {
            for (int b = a; b < ANSWER.length(); b += 7) {
                Recorder r = new Recorder();
                AnswerJsonParser p = new AnswerJsonParser(r);
                p.feed(ANSWER.substring(0, a));
                p.feed(ANSWER.substring(a, b));
                p.feed(ANSWER.substring(b));
                assertThat(r.text.toString()).as("split at %d/%d", a, b).isEqualTo(TEXT);
                assertThat(p.complete()).isTrue();
                assertThat(p.fields().get("intent").asText()).isEqualTo("order_status");
                assertThat(p.fields().get("entities").get(1).path("value").asText()).isEqualTo("a } and ] inside");
                assertThat(r.events).containsExactly("field:intent", "field:confidence", "field:entities", "field:handoff",
                        "field:suggestions", "answer");
            }
        }
    }

    @Test
    void oneCharacterAtATime() {
        Recorder r = new Recorder();
        AnswerJsonParser p = new AnswerJsonParser(r);
        for (char c : ANSWER.toCharArray()) {
            p.feed(String.valueOf(c));
        }
        assertThat(r.text.toString()).isEqualTo(TEXT);
        assertThat(p.answer()).isEqualTo(TEXT);
    }

    @Test
    void plainTextIsStreamedAsTheAnswer() {
        Recorder r = new Recorder();
        AnswerJsonParser p = new AnswerJsonParser(r);
        p.feed("  Sorry, ");
        p.feed("plain text.");
        assertThat(p.notJson()).isTrue();
        assertThat(r.text.toString()).isEqualTo("Sorry, plain text.");
        assertThat(r.events).containsExactly("answer");
    }

    @Test
    void brokenJsonKeepsWhatWasStreamedAndTheRawContent() {
        Recorder r = new Recorder();
        AnswerJsonParser p = new AnswerJsonParser(r);
        p.feed("{\"intent\": \"greeting\", \"answer\": \"Hel");
        assertThat(p.complete()).isFalse();
        assertThat(p.answer()).isEqualTo("Hel");
        assertThat(p.raw()).startsWith("{\"intent\"");
        assertThat(p.fields().get("intent").asText()).isEqualTo("greeting");
    }

    @Test
    void answerBeforeTheOtherFieldsStillWorks() {
        Recorder r = new Recorder();
        AnswerJsonParser p = new AnswerJsonParser(r);
        p.feed("{\"answer\":\"Hi\",\"intent\":\"greeting\",\"confidence\":1}");
        assertThat(p.complete()).isTrue();
        assertThat(r.events).containsExactly("answer", "field:intent", "field:confidence");
        assertThat(r.text.toString()).isEqualTo("Hi");
    }
}
