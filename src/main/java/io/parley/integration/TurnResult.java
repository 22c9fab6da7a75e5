package io.parley.integration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;

import java.util.ArrayList;
import java.util.List;

/**
 * A turn as one structured result (REST JSON, gRPC {@code Ask}, batch lines), read from the same
 * frames a WebSocket client gets.
 *
 * @param customerSeq   the stored customer message's seq (its acknowledgement)
 * @param answer        the stored answer, or null (an agent has the conversation, or the turn failed)
 * @param awaitingAgent an agent has the conversation: the message is stored and a person answers it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TurnResult(String conversationId, String messageId, long customerSeq, Answer answer, boolean awaitingAgent) {

    /** @param incomplete the answer was cut short or interrupted; a resend of the same id retries it */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Answer(long seq, String text, String intent, double confidence, List<Entity> entities, List<String> suggestions,
                         boolean handoff, String source, Boolean incomplete) {
    }

    public record Entity(String type, String value) {
    }

    /**
     * The result of a turn's frames; a turn that ended in an error without an answer throws it (with
     * its code and retry time), so each channel reports it its own way.
     */
    public static TurnResult of(String conversationId, String messageId, List<JsonNode> frames) {
        long customerSeq = -1;
        Answer answer = null;
        boolean awaiting = false;
        JsonNode error = null;
        for (JsonNode f : frames) {
            switch (f.path("type").asText()) {
                case "message" -> {
                    if ("customer".equals(f.path("role").asText())) {
                        customerSeq = f.path("seq").asLong();
                    } else {
                        answer = answer(f);
                    }
                }
                case "answer.end" -> answer = answer(f);
                case "awaiting.agent" -> awaiting = true;
                case "error" -> error = f;
                default -> {
                }
            }
        }
        if (answer == null && !awaiting) {
            throw error != null ? failure(error)
                    : new ParleyException(ErrorCode.MODEL_UNAVAILABLE, "No answer could be produced right now. Send the same message id again.", 2000L, null);
        }
        return new TurnResult(conversationId, messageId, customerSeq, answer, awaiting);
    }

    public static Answer answer(JsonNode f) {
        List<Entity> entities = new ArrayList<>();
        f.path("entities").forEach(e -> entities.add(new Entity(e.path("type").asText(), e.path("value").asText())));
        List<String> suggestions = new ArrayList<>();
        f.path("suggestions").forEach(s -> suggestions.add(s.asText()));
        return new Answer(f.path("seq").asLong(), f.path("text").asText(), f.path("intent").asText(null), f.path("confidence").asDouble(),
                entities, suggestions, f.path("handoff").asBoolean(), f.path("source").asText(null),
                f.path("incomplete").asBoolean() ? Boolean.TRUE : null);
    }

    /** An {@code error} frame as the exception it reports. */
    public static ParleyException failure(JsonNode error) {
        ErrorCode code = ErrorCode.INTERNAL;
        for (ErrorCode c : ErrorCode.values()) {
            if (c.wire.equals(error.path("code").asText())) {
                code = c;
            }
        }
        Long retry = error.hasNonNull("retryAfterMs") ? error.path("retryAfterMs").asLong() : null;
        return new ParleyException(code, error.path("message").asText(), retry, null);
    }
}
