package io.parley.chat;

import io.parley.answer.Grounding;
import io.parley.answer.StructuredAnswer;
import io.parley.conversation.Message;
import io.smallrye.mutiny.subscription.Cancellable;

import java.util.UUID;

/** An answer being streamed here: what the customer has seen so far. */
final class ActiveTurn {
    /** The reserved answer row. */
    final long answerId;
    final UUID conversationId;
    final Message customer;
    final StringBuilder sent = new StringBuilder();
    /** Model text to delta frames (see parley.chat.delta-coalesce). */
    final DeltaCoalescer deltas;
    volatile Cancellable subscription;
    volatile long lastSave = System.nanoTime();
    volatile boolean finished;
    /** When a failed final write stops being tried again (System.nanoTime). */
    volatile long giveUpWritingAt;
    /** The answer before this turn's was unsure (see Clarification). */
    final boolean lastAnswerUnsure;
    /** This answer is unsure too: its text is replaced by a clarifying question. */
    volatile boolean clarify;
    /** An image turn's honest answer when no model saw the image (null for a text turn). */
    volatile StructuredAnswer unseen;
    /** What the knowledge base found for the customer's message (what the answer may cite). */
    volatile Grounding grounding = Grounding.NONE;

    ActiveTurn(long answerId, UUID conversationId, Message customer, DeltaCoalescer deltas, boolean lastAnswerUnsure) {
        this.lastAnswerUnsure = lastAnswerUnsure;
        this.answerId = answerId;
        this.conversationId = conversationId;
        this.customer = customer;
        this.deltas = deltas;
    }

    synchronized String text() {
        return sent.toString();
    }

    synchronized void append(String text) {
        sent.append(text);
    }

    /** Stops the model request (or offline stream) behind this answer, when it has started. */
    void cancelModel() {
        Cancellable c = subscription;
        if (c != null) {
            c.cancel();
        }
    }
}
