package io.parley.conversation;

import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;

import java.util.UUID;

public class NoSuchConversationException extends ParleyException {

    public NoSuchConversationException(UUID id) {
        super(ErrorCode.NOT_FOUND, "No conversation has the id " + id + ".");
    }
}
