package io.parley.chat;

import io.parley.conversation.ChangeFeed;
import io.parley.conversation.MessageStored;
import io.parley.conversation.Role;
import io.parley.conversation.TurnStore;
import jakarta.enterprise.event.Observes;
import io.parley.conversation.Message;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * The open customer connections of each conversation on this instance, and delivery to them.
 * <p>
 * Stored messages reach every connection of their conversation in seq order, each exactly once,
 * whichever instance stored them: local ones directly, others after a {@link ChangeFeed}
 * notification, by reading from the database everything after the connection's {@code lastSent}
 * (a gap is always filled from the database, so a lost notification delays, never loses).
 * Streaming frames (answer.start, answer.delta) are live only and go to this instance's connections.
 */
@ApplicationScoped
public class ConversationHub implements ChangeFeed.Listener {

    private static final Logger LOG = Logger.getLogger(ConversationHub.class);

    private final Map<UUID, Set<Subscriber>> rooms = new ConcurrentHashMap<>();
    private final TurnStore store;
    private final Frames frames;
    private final ChangeFeed feed;

    ConversationHub(TurnStore store, Frames frames, ChangeFeed feed) {
        this.store = store;
        this.frames = frames;
        this.feed = feed;
        feed.addListener(this);
    }

    /**
     * Joins a connection to a conversation and replays what it has not seen: {@code ready}, then every
     * stored message after {@code lastSeq}. Live deliveries to it wait until the replay is sent.
     *
     * @param storedLastSeq the conversation's last seq as read before joining
     */
    public Subscriber join(UUID conversationId, WebSocketConnection connection, long lastSeq, long storedLastSeq,
                           LongFunction<String> ready) {
        return join(conversationId, connection, lastSeq, storedLastSeq, ready, false);
    }

    /** As {@link #join(UUID, WebSocketConnection, long, long, LongFunction)}, for a customer or an agent console. */
    public Subscriber join(UUID conversationId, WebSocketConnection connection, long lastSeq, long storedLastSeq,
                           LongFunction<String> ready, boolean agent) {
        Subscriber s = new Subscriber(connection, conversationId, Math.min(lastSeq, storedLastSeq), agent);
        synchronized (s) {
            rooms.computeIfAbsent(conversationId, id -> ConcurrentHashMap.newKeySet()).add(s);
            List<Message> replay = store.messagesAfter(conversationId, s.lastSent);
            long seq = replay.isEmpty() ? Math.max(s.lastSent, storedLastSeq) : replay.get(replay.size() - 1).seq;
            send(connection, ready.apply(seq));
            for (Message m : replay) {
                s.lastSent = m.seq;
                send(connection, frames.message(m));
            }
        }
        return s;
    }

    public void leave(Subscriber s) {
        rooms.computeIfPresent(s.conversationId, (id, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    /** A message this instance just stored: {@code frame} to every connection that has not had it. */
    public void deliver(UUID conversationId, Message stored, String frame) {
        Set<Subscriber> room = rooms.get(conversationId);
        if (room != null) {
            for (Subscriber s : room) {
                deliver(s, stored, frame);
            }
        }
    }

    private void deliver(Subscriber s, Message stored, String frame) {
        long seq = stored.seq;
        synchronized (s) {
            if (seq <= s.lastSent) {
                return;
            }
            if (seq > s.lastSent + 1) {
                for (Message m : store.messagesAfter(s.conversationId, s.lastSent)) {
                    if (m.seq >= seq) {
                        break;
                    }
                    s.lastSent = m.seq;
                    send(s.connection, frames.message(m));
                }
            }
            s.lastSent = seq;
            send(s.connection, frame);
        }
    }

    /** A message stored outside the turn (a notice, an agent's reply) reaches this instance's connections. */
    void onStored(@Observes MessageStored event) {
        Message m = event.message();
        deliver(m.conversationId, m, frames.message(m));
    }

    /** Sends a connection every stored message it has not had yet. */
    void catchUp(Subscriber s) {
        synchronized (s) {
            for (Message m : store.messagesAfter(s.conversationId, s.lastSent)) {
                s.lastSent = m.seq;
                send(s.connection, frames.message(m));
            }
        }
    }

    @Override
    public void stored(UUID conversationId, long seq, boolean fromThisInstance) {
        Set<Subscriber> room = rooms.get(conversationId);
        if (fromThisInstance || room == null) {
            return;
        }
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            for (Subscriber s : room) {
                if (s.lastSent() < seq) {
                    catchUp(s);
                }
            }
        });
    }

    @Override
    public void reconnected() {
        Infrastructure.getDefaultWorkerPool().execute(this::catchUpBehind);
    }

    /** A safety net for notifications lost in transit: one query compares every open conversation. */
    @Scheduled(every = "${parley.chat.catch-up-every:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void catchUpBehind() {
        if (rooms.isEmpty()) {
            return;
        }
        try {
            Map<UUID, Long> last = store.lastSeqs(new ArrayList<>(rooms.keySet()));
            last.forEach((conversationId, seq) -> {
                Set<Subscriber> room = rooms.get(conversationId);
                if (room != null) {
                    room.stream().filter(s -> s.lastSent() < seq).forEach(this::catchUp);
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("catch-up skipped, the next one fills the gap: %s", e.getMessage());
        }
    }

    /** Live-only frames (answer.start, answer.delta, errors of a turn) to this instance's connections. */
    public void broadcast(UUID conversationId, String frame) {
        Set<Subscriber> room = rooms.get(conversationId);
        if (room != null) {
            for (Subscriber s : room) {
                send(s.connection, frame);
            }
        }
    }

    /**
     * Someone is typing: the other side's connections here hear it at once, other instances through
     * the change feed. Live only, never stored; clients let an indicator expire by itself.
     */
    public void typing(UUID conversationId, boolean byAgent, String name) {
        relayTyping(conversationId, byAgent, name);
        try {
            feed.announceTyping(conversationId, byAgent ? name : null);
        } catch (RuntimeException e) {
            LOG.warnf("typing not announced to other instances (live only, nothing lost): %s", e.getMessage());
        }
    }

    @Override
    public void typing(UUID conversationId, String agentName, boolean fromThisInstance) {
        if (!fromThisInstance) {
            relayTyping(conversationId, agentName != null, agentName);
        }
    }

    private void relayTyping(UUID conversationId, boolean byAgent, String name) {
        Set<Subscriber> room = rooms.get(conversationId);
        if (room != null) {
            String frame = frames.typing(byAgent ? Role.AGENT : Role.CUSTOMER, name);
            for (Subscriber s : room) {
                if (s.agent != byAgent) {
                    send(s.connection, frame);
                }
            }
        }
    }

    /** Closes every customer connection (graceful shutdown: 1012, service restart, reconnect elsewhere). */
    public void closeAll(CloseReason reason) {
        rooms.values().forEach(room -> room.forEach(s -> {
            if (s.connection.isOpen()) {
                s.connection.close(reason).subscribe().with(ok -> {
                }, failure -> {
                });
            }
        }));
    }

    /** Fire and forget: a closed socket must not fail the turn that the other sockets still follow. */
    public void send(WebSocketConnection connection, String frame) {
        if (connection.isOpen()) {
            connection.sendText(frame).subscribe().with(ok -> {
            }, failure -> LOG.debugf("frame not delivered to %s: %s", connection.id(), failure.getMessage()));
        }
    }

    public int connections() {
        return rooms.values().stream().mapToInt(room -> (int) room.stream().filter(s -> !s.agent).count()).sum();
    }
}
