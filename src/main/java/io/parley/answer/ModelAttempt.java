package io.parley.answer;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One model attempt as it is recorded (an {@code llm_call} row): built by the model path, written by
 * the persistence code, with the answer it produced or on its own when it failed.
 *
 * @param outcome    {@code ok}, or the provider error's kind in lower case
 * @param httpStatus   null when no response came
 * @param finishReason the provider's {@code finish_reason} of an answered attempt ({@code stop}, {@code length},
 *                     {@code content_filter}), null when none came
 * @param promptVersion the prompt template's version: the first 16 hex digits of the system prompt's SHA-256
 */
public record ModelAttempt(UUID conversationId, String turn, long replyTo, String tier, String provider, String model, int number,
                           String outcome, Integer httpStatus, String errorMessage, Usage usage, Integer reasoningTokens,
                           BigDecimal cost, OffsetDateTime at, String finishReason, String promptVersion) {

    public ModelAttempt {
        usage = usage == null ? new Usage() : usage;
    }

    public ModelAttempt(UUID conversationId, String turn, long replyTo, String tier, String provider, String model, int number,
                        String outcome, Integer httpStatus, String errorMessage, Usage usage, Integer reasoningTokens,
                        BigDecimal cost, OffsetDateTime at) {
        this(conversationId, turn, replyTo, tier, provider, model, number, outcome, httpStatus, errorMessage, usage,
                reasoningTokens, cost, at, null, null);
    }
}
