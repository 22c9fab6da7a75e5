package io.parley.chat;

import io.parley.conversation.Message;
import io.parley.conversation.SystemNotice;
import io.quarkus.websockets.next.WebSocketConnection;

import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;

/**
 * One connection following one conversation: a customer's, or an agent console watching it. {@code lastSent} is the highest seq this
 * connection has been sent; stored messages reach it in seq order, each once (guarded by {@code this}).
 */
public final class Subscriber {

    final WebSocketConnection connection;
    final UUID conversationId;
    /** An agent console (gets the customer's typing, not the agent's). */
    final boolean agent;
    long lastSent;
    /**
     * The latest messages this connection was sent, except system notices: the prompt history the
     * database would give for the next message, as long as nobody else stored one in between (see
     * TurnService: the model is asked while the message is being stored). Up to {@code keep}.
     */
    private final ArrayDeque<Message> recent = new ArrayDeque<>();
    private final int keep;
    /** {@code recent} is the whole conversation so far (followed from its start), not only its tail. */
    private final boolean fromStart;
    /** As of this connection's hello or last message: the bot answers, and the conversation's priority. */
    private volatile boolean botAnswers;
    private volatile boolean priority;

    Subscriber(WebSocketConnection connection, UUID conversationId, long lastSent, boolean agent, int keep) {
        this.connection = connection;
        this.conversationId = conversationId;
        this.lastSent = lastSent;
        this.agent = agent;
        this.keep = keep;
        this.fromStart = lastSent == 0;
        this.snapshot = new Snapshot(List.of(), lastSent, fromStart);
    }

    /** What {@link #known} reads without the lock (the event loop must not wait for a delivery's query). */
    private volatile Snapshot snapshot;

    private record Snapshot(List<Message> recent, long lastSent, boolean fromStart) {
    }

    /** {@code m} was sent to this connection: it is the next seq (callers hold the lock). */
    void sent(Message m) {
        lastSent = m.seq;
        if (agent) {
            return;
        }
        if (Message.SYSTEM.equals(m.role)) {
            // a notice says who answers now: only a hand-back gives the conversation to the bot again
            botAnswers = SystemNotice.AGENT_LEFT.wire().equals(m.kind);
        } else {
            recent.addLast(m);
            if (recent.size() > keep) {
                recent.removeFirst();
            }
        }
        snapshot = new Snapshot(List.copyOf(recent), lastSent, fromStart);
    }

    /**
     * What the prompt needs besides the new message, when this connection knows it: its messages
     * so far and the seq the new message should get if nobody stores one before it. Empty otherwise.
     */
    java.util.Optional<Known> known(String msgId) {
        Snapshot now = snapshot;
        if (agent || !botAnswers || (!now.fromStart() && now.recent().size() < keep)) {
            return java.util.Optional.empty();
        }
        for (Message m : now.recent()) {
            if (msgId.equals(m.msgId)) {
                return java.util.Optional.empty(); // a resend of a message already stored: no new answer to ask for
            }
        }
        return java.util.Optional.of(new Known(now.recent(), now.lastSent() + 1, priority));
    }

    record Known(List<Message> before, long nextSeq, boolean priority) {
    }

    /** What the last hello or stored message said about the conversation. */
    void state(boolean botAnswers, boolean priority) {
        this.botAnswers = botAnswers;
        this.priority = priority;
    }

    public UUID conversationId() {
        return conversationId;
    }

    synchronized long lastSent() {
        return lastSent;
    }
}
