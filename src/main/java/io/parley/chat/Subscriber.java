package io.parley.chat;

import java.util.UUID;

/**
 * One follower of one conversation: a customer's connection (any channel), or an agent console watching it.
 * {@code lastSent} is the highest seq this connection has been sent: its delivery cursor. Stored
 * messages reach it in seq order, each once (guarded by {@code this}).
 */
public final class Subscriber {

    final FrameSink connection;
    final UUID conversationId;
    /** An agent console (gets the customer's typing, not the agent's). */
    final boolean agent;
    long lastSent;
    /**
     * A replay or catch-up is reading pages from the database for it: live deliveries skip it and
     * the pump sends them from the database, in order.
     */
    boolean pumping;

    Subscriber(FrameSink connection, UUID conversationId, long lastSent, boolean agent) {
        this.connection = connection;
        this.conversationId = conversationId;
        this.lastSent = lastSent;
        this.agent = agent;
    }

    public UUID conversationId() {
        return conversationId;
    }

    synchronized long lastSent() {
        return lastSent;
    }
}
