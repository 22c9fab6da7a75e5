package io.parley.llm;

import io.parley.answer.CallStats;
import io.parley.answer.StructuredAnswer;

/**
 * The answer stream failed after text had reached the customer; {@code stats} says who was answering,
 * {@code partial} what the customer was shown (the streamed text, validated intent and entities, form
 * {@code TRUNCATED}).
 */
public class AnswerInterruptedException extends RuntimeException {

    private final transient CallStats stats;
    private final transient StructuredAnswer partial;

    public AnswerInterruptedException(CallStats stats, Throwable cause) {
        this(stats, null, cause);
    }

    public AnswerInterruptedException(CallStats stats, StructuredAnswer partial, Throwable cause) {
        super(cause.getMessage(), cause, false, false);
        this.stats = stats;
        this.partial = partial;
    }

    /** The answer as far as it came, or null when unknown; its text is exactly what was streamed. */
    public StructuredAnswer partial() {
        return partial;
    }

    public CallStats stats() {
        return stats;
    }
}
