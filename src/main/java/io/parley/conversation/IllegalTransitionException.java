package io.parley.conversation;

/** A status change the lifecycle does not allow (for example out of {@code closed}). */
public class IllegalTransitionException extends RuntimeException {

    public IllegalTransitionException(ConversationStatus from, ConversationStatus to) {
        super("a conversation cannot go from " + from.wire() + " to " + to.wire(), null, false, false);
    }
}
