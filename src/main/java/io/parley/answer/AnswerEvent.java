package io.parley.answer;

import io.parley.answer.EntityValue;

import java.util.List;

/** What an answer engine streams for one turn: a head, text pieces, then the finished answer. */
public sealed interface AnswerEvent {

    /** Intent and entities, sent to the customer before the text. */
    record Head(String intent, double confidence, List<EntityValue> entities) implements AnswerEvent {
    }

    /**
     * What the bot is doing while the customer waits (an action running: "Looking up your order…"), in the
     * customer's language. Shown, never stored: the answer that follows says what came of it.
     */
    record Status(String text) implements AnswerEvent {
    }

    /** A piece of the answer text. */
    record Text(String text) implements AnswerEvent {
    }

    /**
     * The finished answer and how it was produced; {@code attempt} is the model attempt's accounting
     * row, stored in the same transaction as the answer (null for offline and cached answers);
     * {@code personal}: the request carried masked personal details, so the answer is this customer's alone.
     */
    record Done(StructuredAnswer answer, CallStats stats, ModelAttempt attempt, boolean personal) implements AnswerEvent {

        public Done(StructuredAnswer answer, CallStats stats) {
            this(answer, stats, null, false);
        }

        public Done(StructuredAnswer answer, CallStats stats, ModelAttempt attempt) {
            this(answer, stats, attempt, false);
        }

        /** The answer was cut off or never came (see {@link StructuredAnswer#truncated()}): store it as incomplete. */
        public boolean truncated() {
            return answer.truncated();
        }
    }
}
