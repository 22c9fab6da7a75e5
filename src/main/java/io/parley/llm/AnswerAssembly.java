package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.answer.AnswerEvent;
import io.parley.answer.CallStats;
import io.parley.answer.EntityValue;
import io.parley.answer.StructuredAnswer;
import io.parley.answer.StructuredAnswer.Form;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The state of one streamed model answer: turns chunks into answer events (the head as soon as intent
 * and entities are parsed, then text pieces) and, at the end, the structured answer and usage.
 *
 * <p>The customer only ever gets clean text: the decoded {@code answer} string while it streams; at the
 * end, for a reply without JSON, its plain text (think blocks and fences removed); for a reply whose
 * answer never came or was cut before any text, what can be salvaged or the short fallback text. Every
 * field passes {@link AnswerRules}. Reasoning ({@code reasoning_content}) is counted, never shown.
 */
final class AnswerAssembly implements AnswerJsonParser.Listener {

    /** Fields that some models use instead of {@code answer}. */
    private static final List<String> ANSWER_ALIASES = List.of("response", "reply", "message", "text", "content");

    private final long started;
    private final AnswerRules rules;
    private final Supplier<StructuredAnswer> offline;
    private final String fallbackText;
    private final AnswerJsonParser parser = new AnswerJsonParser(this);
    private final List<AnswerEvent> out = new ArrayList<>();
    private boolean headSent;
    /** Answer text sent to the customer so far. */
    private final StringBuilder emitted = new StringBuilder();
    /** The answer string's leading whitespace, held until its first visible character says what it is. */
    private final StringBuilder held = new StringBuilder();
    /** Null until the answer's first visible character; true when the answer string is itself wrapped model output. */
    private Boolean nested;
    private String requestId;
    private String model;
    private String finishReason;
    private ChatChunk.Usage usage;
    private Integer firstTokenMs;
    private StructuredAnswer result;
    private StructuredAnswer offlineReading;

    /**
     * @param offline      the offline rules' reading of the customer's message, asked only when the model gives no intent
     * @param fallbackText said when nothing usable came, in the customer's language
     */
    AnswerAssembly(long started, AnswerRules rules, Supplier<StructuredAnswer> offline, String fallbackText) {
        this.started = started;
        this.rules = rules;
        this.offline = offline;
        this.fallbackText = fallbackText;
    }

    List<AnswerEvent> onChunk(ChatChunk chunk) {
        out.clear();
        if (requestId == null) {
            requestId = chunk.id();
        }
        if (chunk.model() != null) {
            model = chunk.model();
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.finishReason() != null && !chunk.finishReason().isBlank()) {
            finishReason = chunk.finishReason();
        }
        // reasoning_content is never answer text; the provider counts its tokens in usage
        if (chunk.content() != null && !chunk.content().isEmpty()) {
            if (firstTokenMs == null) {
                firstTokenMs = elapsedMs();
            }
            parser.feed(chunk.content());
        }
        return List.copyOf(out);
    }

    /** For a complete stream: the head if it was never sent, and the text that could only be known at the end. */
    List<AnswerEvent> finish() {
        out.clear();
        StructuredAnswer a = answer();
        result = a;
        if (!headSent) {
            out.add(new AnswerEvent.Head(a.intent(), a.confidence(), a.entities()));
            headSent = true;
        }
        if (!a.answer().equals(emitted.toString())) {
            // plain text, salvage or fallback: known only now, as nothing of it was streamed
            out.add(new AnswerEvent.Text(a.answer()));
        }
        return List.copyOf(out);
    }

    /** What the customer was shown of an answer whose stream failed: the streamed text, marked truncated. */
    StructuredAnswer interrupted() {
        StructuredAnswer a = answer();
        return new StructuredAnswer(a.intent(), a.confidence(), a.entities(), a.sentiment(), a.handoff(), a.suggestions(),
                emitted.toString(), StructuredAnswer.Form.TRUNCATED, finishReason, a.intentSource());
    }

    /** Whether any answer text was sent so far (after which nothing may replace it). */
    boolean textSent() {
        return emitted.length() > 0;
    }

    String finishReason() {
        return finishReason;
    }

    /** The answer as it stands now; after {@link #finish()}, the final one. */
    StructuredAnswer answer() {
        if (result != null) {
            return result;
        }
        var f = parser.fields();
        String text;
        Form form;
        boolean stopped = finishReason == null || "stop".equals(finishReason);
        if (parser.answerSeen() && Boolean.TRUE.equals(nested)) {
            text = unwrap(parser.answer()); // the answer string held a fenced or encoded object, or a think block
            form = parser.answerClosed() && stopped ? Form.PARTIAL : Form.TRUNCATED;
        } else if (parser.answerSeen()) {
            text = parser.answer();
            form = !parser.answerClosed() ? Form.TRUNCATED : parser.complete() ? Form.STRUCTURED : Form.PARTIAL;
        } else if (parser.notJson()) {
            text = parser.plainText();
            form = stopped ? Form.PLAIN : Form.TRUNCATED;
            if (text == null) { // broken JSON: its answer string if there is one, never the syntax
                text = parser.salvageAnswer();
                form = stopped ? Form.PARTIAL : Form.TRUNCATED;
            }
        } else {
            text = alias(f);
            form = text != null && parser.complete() ? Form.PARTIAL : Form.TRUNCATED;
        }
        if (text == null || text.isBlank()) {
            text = fallbackText;
            form = Form.TRUNCATED;
        }
        String intent = rules.intent(f.get("intent"));
        StructuredAnswer a;
        if (intent != null) {
            double confidence = rules.knownIntent(f.get("intent")) ? AnswerRules.confidence(f.get("confidence")) : 0;
            a = new StructuredAnswer(intent, confidence, rules.entities(f.get("entities")), AnswerRules.sentiment(f.get("sentiment")),
                    AnswerRules.handoff(f.get("handoff")), rules.suggestions(f.get("suggestions")), text, form, finishReason, null);
        } else {
            StructuredAnswer byRules = offline();
            a = new StructuredAnswer(byRules.intent(), byRules.confidence(), byRules.entities(), null, false, List.of(), text,
                    form, finishReason, "offline");
        }
        return a;
    }

    private StructuredAnswer offline() {
        if (offlineReading == null) {
            offlineReading = offline.get();
        }
        return offlineReading;
    }

    CallStats stats(String provider, String fallbackModel) {
        ChatChunk.Usage u = usage != null ? usage : new ChatChunk.Usage(null, null, null, null, null);
        return new CallStats("model", provider, model != null ? model : fallbackModel, requestId, u.promptTokens(),
                u.completionTokens(), u.cacheHitTokens(), u.cacheMissTokens(), u.reasoningTokens(), firstTokenMs, elapsedMs());
    }

    @Override
    public void field(String name, JsonNode value) {
        if (!headSent && parser.fields().containsKey("intent") && parser.fields().containsKey("entities")) {
            sendHead();
        }
    }

    @Override
    public void answerStarted() {
        if (!headSent) {
            sendHead();
        }
    }

    @Override
    public void answerText(String text) {
        if (nested == null) {
            held.append(text);
            String visible = held.toString().stripLeading();
            if (visible.isEmpty()) {
                return;
            }
            char first = visible.charAt(0);
            // an answer that opens with a brace, a fence or a tag is model output inside the answer: held to the end
            nested = first == '{' || first == '`' || first == '<';
            text = held.toString();
            held.setLength(0);
        }
        if (!nested) {
            emitted.append(text);
            out.add(new AnswerEvent.Text(text));
        }
    }

    /** The answer text inside an answer string that wraps model output; null when there is none. */
    private static String unwrap(String wrapped) {
        AnswerJsonParser inner = new AnswerJsonParser(new AnswerJsonParser.Listener() {
            @Override
            public void field(String name, JsonNode value) {
            }

            @Override
            public void answerStarted() {
            }

            @Override
            public void answerText(String text) {
            }
        });
        inner.feed(wrapped);
        if (inner.answerSeen()) {
            return inner.answer();
        }
        String plain = inner.notJson() ? inner.plainText() : null;
        return plain != null ? plain : inner.salvageAnswer();
    }

    private void sendHead() {
        var f = parser.fields();
        String intent = rules.intent(f.get("intent"));
        headSent = true;
        if (intent == null) {
            // the answer came before any intent: the head (due before the text) says what the offline rules read
            StructuredAnswer byRules = offline();
            out.add(new AnswerEvent.Head(byRules.intent(), byRules.confidence(), byRules.entities()));
            return;
        }
        double confidence = rules.knownIntent(f.get("intent")) ? AnswerRules.confidence(f.get("confidence")) : 0;
        List<EntityValue> entities = rules.entities(f.get("entities"));
        out.add(new AnswerEvent.Head(intent, confidence, entities));
    }

    private static String alias(java.util.Map<String, JsonNode> fields) {
        for (String name : ANSWER_ALIASES) {
            JsonNode n = fields.get(name);
            if (n != null && n.isTextual() && !n.asText().isBlank()) {
                return n.asText();
            }
        }
        return null;
    }

    private int elapsedMs() {
        return (int) ((System.nanoTime() - started) / 1_000_000);
    }
}
