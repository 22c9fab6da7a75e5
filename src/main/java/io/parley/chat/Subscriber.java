package io.parley.chat;

import io.quarkus.websockets.next.WebSocketConnection;

import java.util.UUID;

/**
 * One customer connection following one conversation. {@code lastSent} is the highest seq this
 * connection has been sent; stored messages reach it in seq order, each once (guarded by {@code this}).
 */
public final class Subscriber {

    final WebSocketConnection connection;
    final UUID conversationId;
    long lastSent;

    Subscriber(WebSocketConnection connection, UUID conversationId, long lastSent) {
        this.connection = connection;
        this.conversationId = conversationId;
        this.lastSent = lastSent;
    }

    synchronized long lastSent() {
        return lastSent;
    }
}
