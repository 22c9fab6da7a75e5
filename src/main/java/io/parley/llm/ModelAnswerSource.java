package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.conversation.EntityValue;
import io.parley.conversation.Message;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the model's stream into answer events: the head (intent, entities) as soon as the parser has
 * them, the answer text as it arrives, then the finished answer with usage and timings.
 * Reasoning tokens are counted but never become answer text.
 */
@ApplicationScoped
public class ModelAnswerSource {

    private final DeepSeekClient client;
    private final PromptBuilder prompts;
    private final LlmConfig config;

    ModelAnswerSource(DeepSeekClient client, PromptBuilder prompts, LlmConfig config) {
        this.client = client;
        this.prompts = prompts;
        this.config = config;
    }

    public boolean enabled() {
        return config.enabled();
    }

    public Multi<AnswerEvent> answer(List<Message> history) {
        return Multi.createFrom().deferred(() -> {
            Assembly assembly = new Assembly(System.nanoTime());
            ChatRequest request = new ChatRequest(config.model(), prompts.messages(history));
            return client.stream(request, config)
                    .onItem().transformToIterable(assembly::onChunk)
                    .onCompletion().switchTo(() -> Multi.createFrom().items(assembly.finish().toArray(AnswerEvent[]::new)));
        });
    }

    /** The state of one streamed answer. */
    private final class Assembly implements AnswerJsonParser.Listener {
        private final long started;
        private final AnswerJsonParser parser = new AnswerJsonParser(this);
        private final List<AnswerEvent> out = new ArrayList<>();
        private boolean headSent;
        private String requestId;
        private String model;
        private ChatChunk.Usage usage;
        private Integer firstTokenMs;

        Assembly(long started) {
            this.started = started;
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
            if (chunk.content() != null && !chunk.content().isEmpty()) {
                if (firstTokenMs == null) {
                    firstTokenMs = elapsedMs();
                }
                parser.feed(chunk.content());
            }
            return List.copyOf(out);
        }

        List<AnswerEvent> finish() {
            out.clear();
            StructuredAnswer answer = structured();
            if (!headSent) {
                out.add(new AnswerEvent.Head(answer.intent(), answer.confidence(), answer.entities()));
            }
            ChatChunk.Usage u = usage != null ? usage : new ChatChunk.Usage(null, null, null, null, null);
            out.add(new AnswerEvent.Done(answer, new CallStats("model", config.provider(),
                    model != null ? model : config.model(), requestId, u.promptTokens(), u.completionTokens(),
                    u.cacheHitTokens(), u.cacheMissTokens(), u.reasoningTokens(), firstTokenMs, elapsedMs())));
            return List.copyOf(out);
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

        /** Whatever came is delivered: a broken or non-JSON reply as plain text with intent unknown. */
        private StructuredAnswer structured() {
            var f = parser.fields();
            String text = parser.answer();
            if (text.isBlank() && !parser.answerSeen() && !parser.complete()) {
                text = parser.raw().strip();
            }
            if (text.isBlank()) {
                text = config.emptyAnswerText();
            }
            return new StructuredAnswer(intent(f.get("intent")), confidence(f.get("confidence")), entities(f.get("entities")),
                    text(f.get("sentiment")), bool(f.get("handoff")), strings(f.get("suggestions")), text);
        }

        private int elapsedMs() {
            return (int) ((System.nanoTime() - started) / 1_000_000);
        }
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
