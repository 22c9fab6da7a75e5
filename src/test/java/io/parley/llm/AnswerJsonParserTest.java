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
    void plainTextIsNotStreamedButReadAtTheEnd() {
        Recorder r = new Recorder();
        AnswerJsonParser p = new AnswerJsonParser(r);
        p.feed("  Sorry, ");
        p.feed("plain text.");
        assertThat(p.notJson()).isTrue();
        assertThat(r.text.toString()).isEmpty(); // it may still be a preamble to the object
        assertThat(r.events).isEmpty();
        assertThat(p.plainText()).isEqualTo("Sorry, plain text.");
    }

    /** Every way a model wraps the object: only the answer string is ever text, at any split. */
    @Test
    void theObjectIsFoundAfterProseFencesAndThinkBlocks() {
        String object = "{\"intent\": \"greeting\", \"confidence\": 0.8, \"entities\": [], \"answer\": \"Hello there\", \"suggestions\": []}";
        List<String> wrapped = List.of(
                "```json\n" + object + "\n```",
                "Sure! Here is the JSON you asked for:\n\n" + object + "\nHope that helps {really}.",
                "<think>The customer says hi. Maybe {\"intent\": \"wrong\", \"answer\": \"NO\"}.</think>\n" + object,
                "<THINK>upper case</THINK>```\n" + object + "```",
                "Use code {SAVE10} today. " + object,
                "{} " + object);
        for (String content : wrapped) {
            for (int a = 1; a < content.length(); a += 3) {
                Recorder r = new Recorder();
                AnswerJsonParser p = new AnswerJsonParser(r);
                p.feed(content.substring(0, a));
                p.feed(content.substring(a));
                assertThat(r.text.toString()).as("%s split at %d", content, a).isEqualTo("Hello there");
                assertThat(p.complete()).isTrue();
                assertThat(p.fields().get("intent").asText()).isEqualTo("greeting");
            }
        }
    }

    @Test
    void plainTextLosesThinkBlocksAndFencesAndIsRefusedWhenItCarriesTheEnvelope() {
        AnswerJsonParser p = new AnswerJsonParser(new Recorder());
        p.feed("<think>they want a refund</think>\n```\nYou can return it within 30 days.\n```");
        assertThat(p.plainText()).isEqualTo("You can return it within 30 days.");

        AnswerJsonParser unclosed = new AnswerJsonParser(new Recorder());
        unclosed.feed("<think>still thinking about {\"intent\"");
        assertThat(unclosed.plainText()).isEmpty();

        AnswerJsonParser bareKeys = new AnswerJsonParser(new Recorder());
        bareKeys.feed("{intent: greeting, answer: \"Hi, how can I help?\"}");
        assertThat(bareKeys.notJson()).isTrue();
        assertThat(bareKeys.plainText()).isNull();
        assertThat(bareKeys.salvageAnswer()).isEqualTo("Hi, how can I help?");

        AnswerJsonParser prose = new AnswerJsonParser(new Recorder());
        prose.feed("Short answer: yes, {size} M fits.");
        assertThat(prose.plainText()).isEqualTo("Short answer: yes, {size} M fits.");
    }

    @Test
    void anAnswerCutMidStringIsKeptAsStreamedAndNotClosed() {
        Recorder r = new Recorder();
        AnswerJsonParser p = new AnswerJsonParser(r);
        p.feed("{\"intent\": \"refund_request\", \"entities\": [], \"answer\": \"Your refund of \\u00a3");
        p.feed("12 is on its w");
        assertThat(r.text.toString()).isEqualTo("Your refund of £12 is on its w");
        assertThat(p.answerSeen()).isTrue();
        assertThat(p.answerClosed()).isFalse();
        assertThat(p.complete()).isFalse();
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
