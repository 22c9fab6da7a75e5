package io.parley.conversation;

import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;

/** The action does not fit the conversation's current state (another agent has it, it is not resolved, ...). */
public class ConflictException extends ParleyException {

    public ConflictException(String message) {
        super(ErrorCode.NOT_ALLOWED, message);
    }
}
