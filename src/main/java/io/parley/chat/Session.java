package io.parley.chat;

import java.util.UUID;

/** What a customer connection knows once {@code hello} succeeded. */
public record Session(UUID conversationId, String locale, Subscriber subscriber) {
}
