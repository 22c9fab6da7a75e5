package io.parley.answer;

import java.util.List;
import java.util.UUID;

/**
 * What else an answer was made from, for "why did the bot say this": the knowledge passages it was
 * given, the action calls made for it. A feature that feeds answers (knowledge, actions) provides a
 * CDI bean of this type; the trace lists its items under {@link #name()}. Items are plain records
 * (serialised as JSON) and must hold no secret.
 */
public interface TraceSource {

    /** The trace's key for these items: {@code passages}, {@code actions}. */
    String name();

    /** The items used for the answer to the customer message at {@code replyTo}, oldest first. */
    List<?> items(UUID conversationId, long replyTo);
}
