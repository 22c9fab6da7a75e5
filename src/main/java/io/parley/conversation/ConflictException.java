package io.parley.conversation;

/** The action does not fit the conversation's current state (another agent has it, it is not resolved, ...). */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message, null, false, false);
    }
}
