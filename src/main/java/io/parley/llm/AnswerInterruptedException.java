package io.parley.llm;

import io.parley.answer.CallStats;

/** The answer stream failed after text had reached the customer; {@code stats} says who was answering. */
public class AnswerInterruptedException extends RuntimeException {

    private final transient CallStats stats;

    public AnswerInterruptedException(CallStats stats, Throwable cause) {
        super(cause.getMessage(), cause, false, false);
        this.stats = stats;
    }

    public CallStats stats() {
        return stats;
    }
}
