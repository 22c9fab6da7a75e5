package io.parley.conversation;

import java.util.UUID;

public class NoSuchConversationException extends RuntimeException {

    public NoSuchConversationException(UUID id) {
        super("No conversation has the id " + id + ".", null, false, false);
    }
}
