package io.parley.chat;

import io.parley.conversation.Conversation;

import java.util.UUID;

/**
 * What a customer connection knows once {@code hello} succeeded.
 *
 * @param draft   the conversation while it is not stored yet (a new visitor who has not written), else null
 * @param address the client address the connection is counted under (see ops.ClientAddress)
 */
public record Session(UUID conversationId, String locale, Subscriber subscriber, Conversation draft, String address) {

    /** The same session once its conversation is stored. */
    Session stored() {
        return new Session(conversationId, locale, subscriber, null, address);
    }
}
