package io.parley.chat;

import io.parley.conversation.ChangeFeed;
import io.parley.conversation.MessageStored;
import io.parley.conversation.Role;
import io.parley.conversation.TurnStore;
import jakarta.enterprise.event.Observes;
import io.parley.conversation.Message;
import io.quarkus.scheduler.Scheduled;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * The open customer connections of each conversation on this instance, and delivery to them.
 * <p>
 * Stored messages reach every connection of their conversation in seq order, each exactly once,
 * whichever instance stored them: local ones directly, others after a {@link ChangeFeed}
 * notification, by reading from the database everything after the connection's {@code lastSent}
 * (a gap is always filled from the database, so a lost notification delays, never loses).
 * Streaming frames (answer.start, answer.delta) are live only and go to this instance's connections.
 * <p>
 * Memory per connection is bounded ({@link Outbox}): replay and catch-up read pages of
 * {@code parley.chat.replay-page} and pause while the socket drains, without holding a thread; a
 * connection over {@code parley.chat.send-queue-bytes}, or stalled for {@code drain-timeout}, is closed
 * with 1013 and resumes later from its {@code lastSeq}.
 */
@ApplicationScoped
public class ConversationHub implements ChangeFeed.Listener {

    private static final Logger LOG = Logger.getLogger(ConversationHub.class);
    /** 1013 Try Again Later: every Parley client reconnects with backoff and resumes after its last seq. */
    static final CloseReason TOO_SLOW = new CloseReason(1013, "reading too slowly: reconnect and resume");

    private final Map<UUID, Set<Subscriber>> rooms = new ConcurrentHashMap<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final TurnStore store;
    private final Frames frames;
    private final ChangeFeed feed;
    private final ChatConfig config;
    private final Counter slowClosed;

    ConversationHub(TurnStore store, Frames frames, ChangeFeed feed, ChatConfig config, MeterRegistry metrics) {
        this.store = store;
        this.frames = frames;
        this.feed = feed;
        this.config = config;
        Gauge.builder("parley.chat.send.queue.bytes", queuedBytes, AtomicLong::doubleValue)
                .description("Bytes of frames queued to sockets and not yet written, all connections").register(metrics);
        this.slowClosed = Counter.builder("parley.chat.slow.readers.closed")
                .description("Connections closed with 1013 for reading too slowly").register(metrics);
        feed.addListener(this);
    }

    /**
     * Joins a connection to a conversation and replays what it has not seen: {@code ready}, then every
     * stored message after {@code lastSeq}, a page at a time. Live deliveries to it wait until the replay is sent.
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
        return join(conversationId, FrameSink.of(connection), lastSeq, storedLastSeq, ready, agent);
    }

    /** As {@link #join(UUID, WebSocketConnection, long, long, LongFunction)}, for a follower on any channel. */
    public Subscriber join(UUID conversationId, FrameSink connection, long lastSeq, long storedLastSeq,
                           LongFunction<String> ready, boolean agent) {
        Subscriber s = new Subscriber(connection, conversationId, Math.min(lastSeq, storedLastSeq), agent);
        boolean caughtUp;
        synchronized (s) {
            s.pumping = true;
            rooms.computeIfAbsent(conversationId, id -> ConcurrentHashMap.newKeySet()).add(s);
            List<Message> first;
            try {
                first = store.messagesAfter(conversationId, s.lastSent, config.replayPage());
            } catch (RuntimeException e) {
                leave(s);
                throw e;
            }
            long seq = Math.max(Math.max(s.lastSent, storedLastSeq), first.isEmpty() ? 0 : first.get(first.size() - 1).seq);
            send(connection, ready.apply(seq));
            caughtUp = sendPage(s, first);
            s.pumping = !caughtUp;
        }
        if (!caughtUp) {
            nextPage(s);
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
            if (seq <= s.lastSent || s.pumping) {
                return; // a pump reads it from the database in its turn
            }
            if (seq > s.lastSent + 1) {
                List<Message> gap = store.messagesAfter(s.conversationId, s.lastSent, config.replayPage());
                for (Message m : gap) {
                    if (m.seq >= seq) {
                        break;
                    }
                    s.lastSent = m.seq;
                    send(s.connection, frames.message(m));
                }
                if (gap.size() == config.replayPage() && gap.get(gap.size() - 1).seq < seq) {
                    s.pumping = true; // a gap longer than a page: the pump sends the rest, this message included
                    Infrastructure.getDefaultWorkerPool().execute(() -> pump(s));
                    return;
                }
            }
            s.lastSent = seq;
            send(s.connection, frame);
        }
    }

    /**
     * A stored message sent again to one connection (a resent message's echo or answer). While its
     * replay has not reached it yet, the replay brings it in order instead: a frame with a later seq
     * ahead of the replay would make the client take the rest of the replay for duplicates.
     */
    void sendStored(FrameSink connection, Subscriber s, Message m, String frame) {
        if (s == null) {
            send(connection, frame);
            return;
        }
        synchronized (s) {
            if (!s.pumping || m.seq <= s.lastSent) {
                send(s.connection, frame);
            }
        }
    }

    /** A message stored outside the turn (a notice, an agent's reply) reaches this instance's connections. */
    void onStored(@Observes MessageStored event) {
        Message m = event.message();
        deliver(m.conversationId, m, frames.message(m));
    }

    /** Sends a connection every stored message it has not had yet, in pages, unless a pump already does. */
    void catchUp(Subscriber s) {
        synchronized (s) {
            if (s.pumping) {
                return;
            }
            s.pumping = true;
        }
        pump(s);
    }

    /** One page from the database to {@code s}; then the next once its socket drained, until it is caught up. */
    private void pump(Subscriber s) {
        boolean caughtUp;
        try {
            synchronized (s) {
                caughtUp = !s.connection.isOpen() || sendPage(s, store.messagesAfter(s.conversationId, s.lastSent, config.replayPage()));
                s.pumping = !caughtUp;
            }
        } catch (RuntimeException e) {
            synchronized (s) {
                s.pumping = false; // the next delivery or catch-up starts again from lastSent
            }
            LOG.warnf("replay to %s paused, the next catch-up resumes it: %s", s.connection.id(), e.getMessage());
            return;
        }
        if (!caughtUp) {
            nextPage(s);
        }
    }

    /**
     * Under {@code s}'s lock: sends {@code page} until the socket's queue reaches the pause mark.
     * True when {@code s} is caught up (the page was the last one and all of it went out).
     */
    private boolean sendPage(Subscriber s, List<Message> page) {
        Outbox out = outbox(s.connection);
        for (Message m : page) {
            if (out.paused() || !s.connection.isOpen()) {
                return false;
            }
            s.lastSent = m.seq;
            send(s.connection, frames.message(m));
        }
        return page.size() < config.replayPage();
    }

    /** The next page once the queue is down to its low-water mark; a reader stalled past drain-timeout is closed. No thread waits. */
    private void nextPage(Subscriber s) {
        Outbox out = outbox(s.connection);
        Uni.createFrom().<Boolean>emitter(e -> out.whenDrained(() -> e.complete(true)))
                .ifNoItem().after(config.drainTimeout()).recoverWithItem(false)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .subscribe().with(drained -> {
                    if (drained) {
                        pump(s);
                    } else {
                        synchronized (s) {
                            s.pumping = false;
                        }
                        closeSlow(s.connection, out);
                    }
                });
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

    /**
     * Fire and forget: a closed socket must not fail the turn that the other sockets still follow.
     * A frame that would take the connection's unwritten frames over {@code send-queue-bytes} is not
     * queued: the connection is closed with 1013 and resumes from its last seq.
     */
    public void send(WebSocketConnection connection, String frame) {
        send(FrameSink.of(connection), frame);
    }

    /** As {@link #send(WebSocketConnection, String)}, to a follower on any channel. */
    public void send(FrameSink connection, String frame) {
        if (!connection.isOpen()) {
            return;
        }
        Outbox out = outbox(connection);
        long bytes = Outbox.utf8Bytes(frame);
        if (!out.reserve(bytes)) {
            closeSlow(connection, out);
            return;
        }
        connection.sendText(frame).subscribe().with(ok -> out.release(bytes), failure -> {
            out.release(bytes);
            LOG.debugf("frame not delivered to %s: %s", connection.id(), failure.getMessage());
        });
    }

    private void closeSlow(FrameSink connection, Outbox out) {
        if (!connection.isOpen() || !out.startClosing()) {
            return;
        }
        LOG.debugf("closing %s: %d bytes unread (1013, it resumes from its last seq)", connection.id(), out.queued());
        slowClosed.increment();
        connection.close(TOO_SLOW).subscribe().with(ok -> {
        }, failure -> {
        });
    }

    private Outbox outbox(FrameSink connection) {
        Outbox out = connection.outbox;
        if (out == null) {
            synchronized (connection) {
                out = connection.outbox;
                if (out == null) {
                    out = new Outbox(config.sendQueueBytes(), queuedBytes);
                    connection.outbox = out;
                }
            }
        }
        return out;
    }

    public int connections() {
        return rooms.values().stream().mapToInt(room -> (int) room.stream().filter(s -> !s.agent).count()).sum();
    }
}
