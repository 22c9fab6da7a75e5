package io.parley.llm;

import io.parley.answer.StructuredAnswer;
import io.parley.answer.AnswerEvent;
import io.parley.answer.CallStats;
import io.parley.answer.Usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.answer.EntityValue;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of one streamed model answer: turns chunks into answer events (the head as soon as intent
 * and entities are parsed, then text pieces) and, at the end, the structured answer and usage.
 * Reasoning tokens are counted but never become answer text.
 */
final class AnswerAssembly implements AnswerJsonParser.Listener {

    private final long started;
    private final String emptyAnswerText;
    private final AnswerJsonParser parser = new AnswerJsonParser(this);
    private final List<AnswerEvent> out = new ArrayList<>();
    private boolean headSent;
    private String requestId;
    private String model;
    private ChatChunk.Usage usage;
    private Integer firstTokenMs;

    AnswerAssembly(long started, String emptyAnswerText) {
        this.started = started;
        this.emptyAnswerText = emptyAnswerText;
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
        // reasoning_content is never answer text; the provider counts its tokens in usage
        if (chunk.content() != null && !chunk.content().isEmpty()) {
            if (firstTokenMs == null) {
                firstTokenMs = elapsedMs();
            }
            parser.feed(chunk.content());
        }
        return List.copyOf(out);
    }

    /** The head, if it was never sent, for a complete stream. */
    List<AnswerEvent> finish() {
        out.clear();
        if (!headSent) {
            StructuredAnswer a = answer();
            out.add(new AnswerEvent.Head(a.intent(), a.confidence(), a.entities()));
            headSent = true;
        }
        return List.copyOf(out);
    }

    /** Whatever came is delivered: a broken or non-JSON reply as plain text with intent unknown. */
    StructuredAnswer answer() {
        var f = parser.fields();
        String text = parser.answer();
        if (text.isBlank() && !parser.answerSeen() && !parser.complete()) {
            text = parser.raw().strip();
        }
        if (text.isBlank()) {
            text = emptyAnswerText;
        }
        return new StructuredAnswer(intent(f.get("intent")), confidence(f.get("confidence")), entities(f.get("entities")),
                text(f.get("sentiment")), bool(f.get("handoff")), strings(f.get("suggestions")), text);
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
        out.add(new AnswerEvent.Text(text));
    }

    private void sendHead() {
        headSent = true;
        var f = parser.fields();
        out.add(new AnswerEvent.Head(intent(f.get("intent")), confidence(f.get("confidence")), entities(f.get("entities"))));
    }

    private int elapsedMs() {
        return (int) ((System.nanoTime() - started) / 1_000_000);
    }

    private static String intent(JsonNode n) {
        return n != null && n.isTextual() && !n.asText().isBlank() ? n.asText().strip() : StructuredAnswer.UNKNOWN;
    }

    private static double confidence(JsonNode n) {
        return n != null && n.isNumber() ? Math.max(0, Math.min(1, n.doubleValue())) : 0;
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static boolean bool(JsonNode n) {
        return n != null && n.asBoolean(false);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(s -> {
                if (s.isTextual() && !s.asText().isBlank()) {
                    out.add(s.asText());
                }
            });
        }
        return out;
    }

    private static List<EntityValue> entities(JsonNode n) {
        List<EntityValue> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            for (JsonNode e : n) {
                JsonNode type = e.path("type");
                JsonNode value = e.path("value");
                if (type.isTextual() && !value.isMissingNode() && !value.isNull()) {
                    out.add(new EntityValue(type.asText(), value.asText()));
                }
            }
        }
        return out;
    }
}
