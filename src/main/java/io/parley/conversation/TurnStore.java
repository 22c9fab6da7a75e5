package io.parley.conversation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.answer.ModelAttempt;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

import io.parley.privacy.Vault;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Messages taking their place in a conversation: the customer's message and its reserved answer,
 * the stored answer, the answers swept after a crash, and the lines people and the lifecycle add.
 * Each method is one short statement, called from a worker thread; callers acknowledge a frame only
 * after the method returned. Every stored message is announced with {@code pg_notify} in the
 * statement that stores it (see {@link ChangeFeed}). The statements themselves are in {@link TurnSql}.
 */
@ApplicationScoped
public class TurnStore {

    private final TurnSql sql;
    private final MessageReads reads;
    private final DataSource dataSource;
    private final Instance instance;

    /** How long an owner's lock must stay free before its answers are swept: above the change feed's reconnect time. */
    private final Duration ownerGrace;

    TurnStore(DataSource dataSource, ObjectMapper json, Instance instance, Vault vault,
              @ConfigProperty(name = "parley.conversation.owner-grace", defaultValue = "5s") Duration ownerGrace) {
        MessageRows rows = new MessageRows(json, vault);
        this.sql = new TurnSql(dataSource, rows);
        this.reads = new MessageReads(dataSource, rows);
        this.dataSource = dataSource;
        this.instance = instance;
        this.ownerGrace = ownerGrace;
    }

    /** How long after a sweep that found an owner's lock free the next one can tell whether it is gone. */
    public Duration ownerGrace() {
        return ownerGrace;
    }

    /**
     * The outcome of storing a customer message.
     *
     * @param customer  the stored customer message (the original one when {@code duplicate})
     * @param answer    its complete answer, when one is stored already
     * @param duplicate the id was known: nothing new was stored
     * @param history   the model's context, oldest first, ending with {@code customer}; empty when the bot does not answer
     * @param priority  the conversation is flagged for the priority tier
     * @param status    the conversation's status after this message
     * @param reserved  the answer row reserved with the message (a new message to the bot), or null
     */
    public record Accepted(Message customer, Message answer, boolean duplicate, List<HistoryItem> history, boolean priority,
                           ConversationStatus status, Long reserved) {
    }

    /**
     * Stores a customer message under its client id, or finds the one stored before under that id.
     * A message to a resolved conversation reopens it; a closed one refuses it
     * ({@link IllegalTransitionException}).
     */
    public Accepted accept(UUID conversationId, String msgId, String text, int historySize) {
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                Accepted a = tryAccept(conversationId, msgId, text, historySize);
                if (a != null) {
                    return a;
                }
            }
            throw new StorageException(new SQLException("conversation status kept changing under a new message"));
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Null when the status changed in between (resolved, then reopened by someone else): try again. */
    private Accepted tryAccept(UUID conversationId, String msgId, String text, int historySize) throws SQLException {
        try {
            TurnSql.Stored stored = sql.accept(conversationId, msgId, text, historySize, instance.key(), now());
            if (stored != null) {
                return new Accepted(stored.customer(), null, false, stored.history(), stored.priority(), stored.status(), stored.reserved());
            }
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) { // the id is known: a resend, found below
                throw e;
            }
        }
        // rare: a resend, or a conversation that is resolved, closed or gone
        Message known = sql.byMsgId(conversationId, msgId);
        TurnSql.State state = sql.state(conversationId);
        if (state == null) {
            throw new NoSuchConversationException(conversationId);
        }
        if (known != null) {
            // a resend: the original acknowledgement and answer, never a second row
            Message answer = sql.completeAnswer(conversationId, known.seq);
            List<HistoryItem> history = answer == null && state.status().botAnswers()
                    ? sql.history(conversationId, known.seq, historySize) : List.of();
            return new Accepted(known, answer, true, history, state.priority(), state.status(), null);
        }
        if (state.status() == ConversationStatus.CLOSED) {
            throw new IllegalTransitionException(ConversationStatus.CLOSED, ConversationStatus.BOT);
        }
        sql.reopen(conversationId, "customer", "new message", now()); // resolved: the customer's message reopens it
        return null;
    }

    private static final String UNIQUE_VIOLATION = "23505";

    /**
     * Reserves the answer to a customer message: a row in state {@code streaming}, owned by this
     * instance, without a seq yet. Null when an answer is already stored or streaming (here or on
     * another instance): a resend never causes a second model call.
     */
    public Long beginAnswer(UUID conversationId, long replyTo) {
        try {
            return sql.reserve(conversationId, replyTo, instance.key(), now());
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return null; // reserved by someone else at the same moment
            }
            throw new StorageException(e);
        }
    }

    /** Gives up a reserved answer that produced nothing to show (no row remains). */
    public void abandonAnswer(long answerId) {
        try {
            sql.abandon(answerId);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** What the customer has seen so far, so that a crash leaves it stored. */
    public void savePartial(UUID conversationId, long answerId, String text) {
        try {
            sql.savePartial(conversationId, answerId, text);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /**
     * Stores the finished (or cut-short) answer reserved by {@link #beginAnswer}, with its model
     * attempt ({@code attempt}, null for offline and cached answers): it gets its seq now. If another
     * instance meanwhile declared it interrupted (this one lost its database session), the answer is
     * stored as a new message instead. Safe to call again after a failure: an answer is never stored twice.
     */
    public Message completeAnswer(long answerId, Message answer, ModelAttempt attempt) {
        try {
            Message stored = sql.complete(answerId, answer, attempt, instance.key(), now());
            if (stored != null) {
                return stored;
            }
            Message row = reads.byId(answerId);
            if (row != null && row.seq != null && row.state != MessageState.INTERRUPTED) {
                return row; // an earlier try committed though its reply was lost: stored once, not twice
            }
            answer.role = Role.ASSISTANT;
            answer.msgId = null;
            try {
                return sql.append(answer, attempt, false, instance.key(), now());
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                // the row was swept and the turn answered again meanwhile (a resend): that answer stands
                Message answered = sql.completeAnswer(answer.conversationId, answer.replyTo);
                if (answered == null) {
                    throw e;
                }
                if (attempt != null) {
                    sql.insertAttempt(attempt); // this answer is not stored, but its model request was made: it is accounted
                }
                return answered;
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Model requests recorded for the conversation so far (its {@code llm_call} rows: answered, failed or cancelled). */
    public long modelCalls(UUID conversationId) {
        try (java.sql.Connection c = dataSource.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("select count(*) from llm_call where conversation_id = ?")) {
            ps.setObject(1, conversationId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** A model attempt whose answer is not stored with it (it failed, or was dropped). */
    public void recordAttempt(ModelAttempt attempt) {
        try {
            sql.insertAttempt(attempt);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /**
     * A line added by a person or the lifecycle (an agent's reply, a system notice), in the caller's
     * transaction: it takes the next seq and moves the conversation's last activity.
     */
    public Message appendInTransaction(Message m) {
        return Panache.getEntityManager().unwrap(Session.class)
                .doReturningWork(c -> sql.append(c, m, null, true, instance.key(), now()));
    }

    /** What a sweep stored, and whether it saw owners it will judge dead only after {@code parley.conversation.owner-grace} (sweep again then). */
    public record Sweep(List<Message> swept, boolean suspects) {
    }

    /**
     * Answers left {@code streaming} that nobody will finish become stored, clearly marked
     * {@code interrupted} answers with what the customer had seen: those of an instance that is gone,
     * and this instance's own that it no longer streams ({@code streamingHere} lacks them, for
     * example after its final write failed for good). Each row is placed once, whoever sweeps at the
     * same moment.
     * <p>
     * An owner is gone when its advisory lock has been free for {@code parley.conversation.owner-grace}: a live instance
     * whose change-feed connection dropped (a database restart, a network blip) takes its lock again
     * within a few seconds, and its answers must not be swept meanwhile. The first sweep that finds an
     * owner's lock free only notes the time ({@code suspects}); the caller sweeps again after the grace.
     *
     * @param conversationId one conversation, or null for all
     * @param streamingHere  the reserved rows this instance is streaming (or still writing) right now
     */
    public Sweep sweepInterrupted(UUID conversationId, Set<Long> streamingHere) {
        try {
            List<Message> swept = new ArrayList<>();
            Map<Long, Boolean> gone = new HashMap<>();
            boolean suspects = false;
            OffsetDateTime settled = now().minus(OWN_ROW_SETTLES);
            for (Message m : reads.streaming(conversationId)) {
                boolean abandoned;
                if (m.owner == null) {
                    abandoned = true;
                } else if (m.owner == instance.key()) {
                    abandoned = !streamingHere.contains(m.id) && m.createdAt.isBefore(settled);
                } else {
                    abandoned = gone.computeIfAbsent(m.owner, this::goneForGood);
                    suspects |= !abandoned && freeSince.containsKey(m.owner);
                }
                if (abandoned) {
                    m.state = MessageState.INTERRUPTED;
                    m.source = m.source == null ? "model" : m.source;
                    Message stored = sql.complete(m.id, m, null, instance.key(), now());
                    if (stored != null) {
                        swept.add(stored);
                    }
                }
            }
            return new Sweep(swept, suspects);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** When each owner's lock was first seen free by this instance (System.nanoTime). */
    private final Map<Long, Long> freeSince = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean goneForGood(long owner) {
        if (!gone(owner)) {
            freeSince.remove(owner);
            return false;
        }
        long first = freeSince.computeIfAbsent(owner, o -> System.nanoTime());
        return System.nanoTime() - first >= ownerGrace.toNanos();
    }

    /** A row this instance reserved a moment ago may not be in its streaming set yet: it is left alone this long. */
    private static final Duration OWN_ROW_SETTLES = Duration.ofSeconds(10);

    private boolean gone(long owner) {
        try {
            return reads.gone(owner);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** The next page of a conversation: up to {@code limit} stored messages after {@code seq}, oldest first. */
    public List<Message> messagesAfter(UUID conversationId, long seq, int limit) {
        try {
            return reads.after(conversationId, seq, limit);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** The prompt history of the message at {@code seq}: up to {@code limit} stored messages up to it, without system notices. */
    public List<HistoryItem> history(UUID conversationId, long seq, int limit) {
        try {
            return sql.history(conversationId, seq, limit);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** The last stored seq of each conversation (one query for many). */
    public Map<UUID, Long> lastSeqs(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        try {
            return reads.lastSeqs(ids);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /**
     * Resolves up to {@code limit} conversations without activity for {@code idle}, each with its
     * recorded transition; returns their ids. One statement: rows a turn holds right now are skipped
     * (their activity is fresh), so the sweep never waits on a customer.
     */
    public List<UUID> resolveInactive(Duration idle, int limit) {
        try {
            return sql.resolveInactive(now().minus(idle), limit, "inactive for " + idle, now());
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** A new conversation: one INSERT, no entity (every new visitor pays for it). */
    void insert(Conversation c) {
        try {
            sql.insert(c);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** In PostgreSQL's precision (microseconds), so a message's live acknowledgement and its replay carry the same {@code at}. */
    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
