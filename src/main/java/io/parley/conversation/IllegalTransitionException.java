package io.parley.conversation;

import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;

/** A status change the lifecycle does not allow (for example out of {@code closed}). */
public class IllegalTransitionException extends ParleyException {

    public IllegalTransitionException(ConversationStatus from, ConversationStatus to) {
        super(from == ConversationStatus.CLOSED ? ErrorCode.CONVERSATION_CLOSED : ErrorCode.NOT_ALLOWED,
                from == ConversationStatus.CLOSED
                        ? "This conversation is closed. Start a new one."
                        : "A conversation cannot go from " + from.wire() + " to " + to.wire() + ".");
    }
}
