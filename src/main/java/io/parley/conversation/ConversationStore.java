package io.parley.conversation;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Owns every transaction on conversations and messages. Each method is one short transaction,
 * called from a worker thread; callers acknowledge a frame only after the method returned.
 * Every stored message is announced with {@code pg_notify} in its own transaction, so other
 * instances learn of it exactly when it is committed (see {@link ChangeFeed}).
 */
@ApplicationScoped
public class ConversationStore {

    public static final String CHANNEL = "parley_messages";
    /** Typing indicators between instances: {@code conversation:instance[:agent name]}. */
    public static final String TYPING_CHANNEL = "parley_typing";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConversationRepository conversations;
    private final MessageRepository messages;
    private final Instance instance;

    private final TurnSql sql;

    ConversationStore(ConversationRepository conversations, MessageRepository messages, Instance instance,
                      javax.sql.DataSource dataSource, com.fasterxml.jackson.databind.ObjectMapper json) {
        this.conversations = conversations;
        this.messages = messages;
        this.instance = instance;
        this.sql = new TurnSql(dataSource, json);
    }

    /**
     * A row written atomically with an answer (the model attempt's accounting row), as an
     * {@code insert ... select ?, ?, …} so the answer's one statement can embed it as a CTE.
     */
    public interface SqlWrite {
        String insertSelect();

        /** Binds this write's parameters from index {@code first}; returns the next free index. */
        int bind(java.sql.PreparedStatement ps, int first) throws java.sql.SQLException;

        default void insert(java.sql.Connection c) throws java.sql.SQLException {
            try (java.sql.PreparedStatement ps = c.prepareStatement(insertSelect())) {
                bind(ps, 1);
                ps.executeUpdate();
            }
        }
    }

    /** A new conversation and the token that alone can reopen it (only its hash is stored). */
    public record Opened(Conversation conversation, String token) {
    }

    /**
     * The outcome of storing a customer message.
     *
     * @param customer  the stored customer message (the original one when {@code duplicate})
     * @param answer    its complete answer, when one is stored already
     * @param duplicate the id was known: nothing new was stored
     * @param history   the context for the model, oldest first, ending with {@code customer}
     * @param priority  the conversation is flagged for the priority tier
     * @param status    the conversation's status after this message
     * @param reserved  the answer row reserved in the same transaction (a new message to the bot), or null
     */
    public record Accepted(Message customer, Message answer, boolean duplicate, List<Message> history, boolean priority,
                           ConversationStatus status, Long reserved) {
    }

    public Opened create(String locale) {
        return create(locale, null, null);
    }

    /** A new conversation: one INSERT, no entity (every new visitor pays for it). */
    public Opened create(String locale, String site, String externalUserId) {
        Opened opened = fresh(locale, site, externalUserId);
        try {
            sql.insert(opened.conversation());
        } catch (java.sql.SQLException e) {
            throw new StorageException(e);
        }
        return opened;
    }

    /** A conversation not stored yet, and its token (only the token's hash is ever stored). */
    private static Opened fresh(String locale, String site, String externalUserId) {
        String token = newToken();
        Conversation c = new Conversation();
        c.id = UUID.randomUUID();
        c.tokenHash = hash(token);
        c.locale = locale;
        c.site = site;
        c.externalUserId = externalUserId;
        c.createdAt = now();
        c.updatedAt = c.createdAt;
        return new Opened(c, token);
    }

    /**
     * A verified site user's conversation: their latest one that is not closed, or a new one. Its
     * token is replaced (only a hash is kept, so the old one cannot be returned): the user's devices
     * open it with their identity, not with the token.
     */
    @Transactional
    public Opened openForUser(String externalUserId, String locale, String site) {
        Optional<Conversation> latest = conversations.find(
                "externalUserId = ?1 and status <> 'closed' order by updatedAt desc", externalUserId).firstResultOptional();
        if (latest.isEmpty()) {
            Opened opened = fresh(locale, site, externalUserId);
            conversations.persist(opened.conversation());
            return opened;
        }
        Conversation c = conversations.lock(latest.get().id);
        String token = newToken();
        c.tokenHash = hash(token);
        return new Opened(c, token);
    }

    private static String newToken() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    @Transactional
    public Optional<Conversation> findByToken(String token) {
        return conversations.findByTokenHash(hash(token));
    }

    public List<Message> messagesAfter(UUID conversationId, long seq) {
        try {
            return sql.after(conversationId, seq);
        } catch (java.sql.SQLException e) {
            throw new StorageException(e);
        }
    }

    /** The last stored seq of each conversation (one query for many). */
    @Transactional
    public Map<UUID, Long> lastSeqs(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return conversations.list("id in ?1", ids).stream().collect(Collectors.toMap(c -> c.id, c -> c.lastSeq));
    }

    /** The prompt history of the message at {@code seq}: up to {@code limit} stored messages up to it, without system notices. */
    public List<Message> history(UUID conversationId, long seq, int limit) {
        try {
            return sql.history(conversationId, seq, limit);
        } catch (java.sql.SQLException e) {
            throw new StorageException(e);
        }
    }

    /**
     * Stores a customer message under its client id, or finds the one stored before under that id.
     * With {@code historySize} 0 the prompt history is not read (the caller knows it).
     * A message to a resolved conversation reopens it; a closed one refuses it.
     * A concurrent duplicate makes this throw a constraint violation; calling again then finds it.
     */
    public Accepted accept(UUID conversationId, String msgId, String text, int historySize) {
        try {
            TurnSql.Stored stored = sql.accept(conversationId, msgId, text, historySize, instance.key(), now());
            if (stored != null) {
                return new Accepted(stored.customer(), null, false, stored.history(), stored.priority(), stored.status(), stored.reserved());
            }
        } catch (java.sql.SQLException e) {
            if (!"23505".equals(e.getSQLState())) { // 23505: the id is known, the general path finds its message
                throw new StorageException(e);
            }
        }
        return QuarkusTransaction.joiningExisting().call(() -> acceptGeneral(conversationId, msgId, text, historySize));
    }

    /** Resends, and messages to resolved or closed conversations: rare, so plain entities. */
    private Accepted acceptGeneral(UUID conversationId, String msgId, String text, int historySize) {
        Optional<Message> known = messages.findByMsgId(conversationId, msgId);
        if (known.isPresent()) {
            Message original = known.get();
            Conversation c = conversations.findById(conversationId);
            Message answer = messages.findCompleteAnswer(conversationId, original.seq).orElse(null);
            List<Message> history = answer == null ? (historySize > 0 ? messages.history(conversationId, original.seq, historySize) : List.<Message>of()) : List.of();
            return new Accepted(original, answer, true, history, c.priority, ConversationStatus.of(c.status), null);
        }
        Conversation c = conversations.lock(conversationId);
        ConversationStatus status = ConversationStatus.of(c.status);
        if (status == ConversationStatus.CLOSED) {
            throw new IllegalTransitionException(status, ConversationStatus.BOT);
        }
        if (status == ConversationStatus.RESOLVED) {
            status = move(c, ConversationStatus.BOT, "customer", "new message");
        }
        Message m = new Message();
        m.conversationId = conversationId;
        m.msgId = msgId;
        m.role = Message.CUSTOMER;
        m.text = text;
        insert(c, m);
        // the bot will answer: reserve that answer now, in the same transaction (one round trip fewer per turn)
        Long reserved = status == ConversationStatus.BOT ? reserve(conversationId, m.seq) : null;
        return new Accepted(m, null, false, (historySize > 0 ? messages.history(conversationId, m.seq, historySize) : List.<Message>of()), c.priority, status, reserved);
    }

    /**
     * Reserves the answer to a customer message: a row in state {@code streaming}, owned by this
     * instance, without a seq yet. Empty when an answer is already stored or streaming (here or on
     * another instance): a resend never causes a second model call.
     */
    @Transactional
    public Optional<Long> beginAnswer(UUID conversationId, long replyTo) {
        if (messages.findLiveAnswer(conversationId, replyTo).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(reserve(conversationId, replyTo));
    }

    private long reserve(UUID conversationId, long replyTo) {
        Message m = new Message();
        m.conversationId = conversationId;
        m.replyTo = replyTo;
        m.role = Message.ASSISTANT;
        m.msgId = UUID.randomUUID().toString();
        m.text = "";
        m.state = Message.STREAMING;
        m.owner = instance.key();
        m.createdAt = now();
        messages.persist(m);
        messages.flush();
        return m.id;
    }

    /** Gives up a reserved answer that produced nothing to show (no row remains). */
    @Transactional
    public void abandonAnswer(long answerId) {
        messages.delete("id = ?1 and state = 'streaming'", answerId);
    }

    /** What the customer has seen so far, so that a crash leaves it stored. */
    public void savePartial(long answerId, String text) {
        try {
            sql.savePartial(answerId, text);
        } catch (java.sql.SQLException e) {
            throw new StorageException(e);
        }
    }

    /**
     * Stores the finished (or cut-short) answer reserved by {@link #beginAnswer}: it gets its seq now.
     * If another instance meanwhile declared it interrupted (this one lost its database session),
     * the answer is stored as a new message instead.
     */
    public Message completeAnswer(long answerId, Message answer, SqlWrite alsoStore) {
        try {
            Message stored = sql.complete(answerId, answer, alsoStore, instance.key());
            if (stored != null) {
                return stored;
            }
        } catch (java.sql.SQLException e) {
            throw new StorageException(e);
        }
        return QuarkusTransaction.joiningExisting().call(() -> completeGeneral(answerId, answer, alsoStore));
    }

    /** The reserved row was declared interrupted meanwhile (this instance lost its database session): rare. */
    private Message completeGeneral(long answerId, Message answer, SqlWrite alsoStore) {
        if (alsoStore != null) {
            Panache.getEntityManager().unwrap(org.hibernate.Session.class).doWork(alsoStore::insert);
        }
        Message row = messages.findById(answerId);
        Conversation c = conversations.lock(answer.conversationId);
        if (row == null || !Message.STREAMING.equals(row.state)) {
            answer.role = Message.ASSISTANT;
            answer.msgId = UUID.randomUUID().toString();
            insert(c, answer);
            return answer;
        }
        row.text = answer.text;
        row.state = answer.state;
        row.intent = answer.intent;
        row.confidence = answer.confidence;
        row.entities = answer.entities;
        row.suggestions = answer.suggestions;
        row.sentiment = answer.sentiment;
        row.handoff = answer.handoff;
        row.source = answer.source;
        row.provider = answer.provider;
        row.model = answer.model;
        row.usage = answer.usage;
        place(c, row);
        return row;
    }

    /**
     * Answers left {@code streaming} by an instance that is gone (its advisory lock is free) become
     * stored, clearly marked {@code interrupted} answers with what the customer had seen.
     *
     * @param conversationId one conversation, or null for all
     */
    @Transactional
    public List<Message> sweepInterrupted(UUID conversationId) {
        List<Message> swept = new ArrayList<>();
        Map<Long, List<Message>> byOwner = messages.streaming(conversationId).stream()
                .filter(m -> m.owner != null && m.owner != instance.key())
                .collect(Collectors.groupingBy(m -> m.owner));
        for (var entry : byOwner.entrySet()) {
            Boolean gone = (Boolean) Panache.getEntityManager()
                    .createNativeQuery("select pg_try_advisory_xact_lock(?1)").setParameter(1, entry.getKey()).getSingleResult();
            if (Boolean.TRUE.equals(gone)) {
                for (Message m : entry.getValue()) {
                    m.state = Message.INTERRUPTED;
                    m.source = m.source == null ? "model" : m.source;
                    place(conversations.lock(m.conversationId), m);
                    swept.add(m);
                }
            }
        }
        return swept;
    }

    /** The outcome of a hand-off step: the conversation after it and the system message stored, if any. */
    public record Change(Conversation conversation, Message notice) {
    }

    /**
     * The customer (or an answer) asks for a person: a conversation with the bot, or a resolved one,
     * waits for an agent. A conversation already waiting or with an agent does not change (no notice).
     */
    @Transactional
    public Change requestAgent(UUID conversationId, String actor, String reason, boolean agentsOnline) {
        Conversation c = locked(conversationId);
        ConversationStatus status = ConversationStatus.of(c.status);
        if (status != ConversationStatus.BOT && status != ConversationStatus.RESOLVED) {
            return new Change(c, null);
        }
        move(c, ConversationStatus.WAITING_AGENT, actor, reason);
        return new Change(c, notice(c, agentsOnline ? SystemNotice.HANDOFF_REQUESTED : SystemNotice.HANDOFF_NO_AGENT, null));
    }

    /** An agent takes the conversation over: the bot stops answering. Taking it again is a no-op. */
    @Transactional
    public Change takeOver(UUID conversationId, long agentId, String agentName) {
        Conversation c = locked(conversationId);
        if (ConversationStatus.of(c.status) == ConversationStatus.AGENT) {
            if (Long.valueOf(agentId).equals(c.assignedAgent)) {
                return new Change(c, null);
            }
            throw new ConflictException("Another agent has this conversation.");
        }
        move(c, ConversationStatus.AGENT, "agent:" + agentName, "taken over");
        c.assignedAgent = agentId;
        return new Change(c, notice(c, SystemNotice.AGENT_JOINED, agentName));
    }

    /** The agent hands the conversation back to the bot (an admin may do it for anyone). */
    @Transactional
    public Change handBack(UUID conversationId, long agentId, boolean admin, String agentName) {
        Conversation c = locked(conversationId);
        requireHolder(c, agentId, admin);
        move(c, ConversationStatus.BOT, "agent:" + agentName, "handed back");
        return new Change(c, notice(c, SystemNotice.AGENT_LEFT, agentName));
    }

    /** Resolves a conversation that is open (with the bot, waiting, or with an agent). */
    @Transactional
    public Change resolve(UUID conversationId, String actor) {
        Conversation c = locked(conversationId);
        move(c, ConversationStatus.RESOLVED, actor, "resolved by " + actor);
        return new Change(c, notice(c, SystemNotice.RESOLVED, null));
    }

    /**
     * A message from the agent who has the conversation, idempotent by its client-made id.
     *
     * @return the stored message, and whether it is new (false: the same id was stored before)
     */
    @Transactional
    public Change agentMessage(UUID conversationId, long agentId, String agentName, String msgId, String text) {
        Optional<Message> known = messages.findByMsgId(conversationId, msgId);
        if (known.isPresent()) {
            return new Change(conversations.findById(conversationId), null);
        }
        Conversation c = locked(conversationId);
        requireHolder(c, agentId, false);
        Message m = new Message();
        m.conversationId = conversationId;
        m.msgId = msgId;
        m.role = Message.AGENT;
        m.author = agentName;
        m.text = text;
        insert(c, m);
        return new Change(c, m);
    }

    /** The customer's rating of a resolved conversation (rating again replaces it). */
    @Transactional
    public Change rate(UUID conversationId, int score, String comment) {
        Conversation c = locked(conversationId);
        if (ConversationStatus.of(c.status) != ConversationStatus.RESOLVED) {
            throw new ConflictException("Only a resolved conversation can be rated.");
        }
        boolean first = c.rating == null;
        c.rating = score;
        c.ratingComment = comment;
        c.ratedAt = now();
        return new Change(c, first ? notice(c, SystemNotice.RATED, null) : null);
    }

    private Conversation locked(UUID conversationId) {
        Conversation c = conversations.lock(conversationId);
        if (c == null) {
            throw new NoSuchConversationException(conversationId);
        }
        return c;
    }

    private static void requireHolder(Conversation c, long agentId, boolean admin) {
        if (ConversationStatus.of(c.status) != ConversationStatus.AGENT) {
            throw new ConflictException("Take the conversation over first (it is " + c.status + ").");
        }
        if (!admin && !Long.valueOf(agentId).equals(c.assignedAgent)) {
            throw new ConflictException("Another agent has this conversation.");
        }
    }

    /** The customer's language: Chinese when their latest message is, whatever the browser said. */
    private String noticeLocale(Conversation c) {
        Optional<Message> last = messages.find("conversationId = ?1 and role = 'customer' order by seq desc", c.id).firstResultOptional();
        boolean chinese = last.map(m -> m.text.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN))
                .orElse(false);
        return chinese ? "zh-CN" : c.locale;
    }

    private Message notice(Conversation c, SystemNotice kind, String name) {
        Message m = new Message();
        m.conversationId = c.id;
        m.msgId = UUID.randomUUID().toString();
        m.role = Message.SYSTEM;
        m.kind = kind.wire();
        m.text = kind.text(noticeLocale(c), name);
        insert(c, m);
        return m;
    }

    /**
     * Resolves up to {@code limit} conversations without activity for {@code idle}, each with its
     * recorded transition; returns their ids. One statement: rows a turn holds right now are skipped
     * (their activity is fresh), so the sweep never waits on a customer.
     */
    public List<UUID> resolveInactive(Duration idle, int limit) {
        try {
            return sql.resolveInactive(now().minus(idle), limit, "inactive for " + idle, now());
        } catch (java.sql.SQLException e) {
            throw new StorageException(e);
        }
    }

    private ConversationStatus move(Conversation c, ConversationStatus to, String actor, String reason) {
        ConversationStatus from = ConversationStatus.of(c.status);
        if (!from.canBecome(to)) {
            throw new IllegalTransitionException(from, to);
        }
        ConversationEvent e = new ConversationEvent();
        e.conversationId = c.id;
        e.fromStatus = from.wire();
        e.toStatus = to.wire();
        e.actor = actor;
        e.reason = reason;
        e.at = now();
        e.persist();
        c.status = to.wire();
        c.updatedAt = e.at;
        return to;
    }

    private void insert(Conversation c, Message m) {
        m.createdAt = now();
        nextSeq(c, m);
        messages.persist(m);
        announce(c, m);
    }

    /** An existing row (a reserved answer) takes its place in the conversation. */
    private void place(Conversation c, Message m) {
        nextSeq(c, m);
        announce(c, m);
    }

    private static void nextSeq(Conversation c, Message m) {
        c.lastSeq++;
        c.updatedAt = now();
        m.seq = c.lastSeq;
    }

    /** Other instances hear of the message when this transaction commits, not before. */
    private void announce(Conversation c, Message m) {
        messages.flush();
        Panache.getEntityManager().createNativeQuery("select pg_notify(?1, ?2)")
                .setParameter(1, CHANNEL)
                .setParameter(2, c.id + ":" + m.seq + ":" + instance.key())
                .getSingleResult();
    }

    /** The agent who has the conversation now (status agent), if any. */
    @Transactional
    public Optional<Long> holder(UUID conversationId) {
        Conversation c = conversations.findById(conversationId);
        return c != null && ConversationStatus.of(c.status) == ConversationStatus.AGENT ? Optional.ofNullable(c.assignedAgent) : Optional.empty();
    }

    /** Tells the other instances that someone is typing (the agent's name, or null for the customer). */
    @Transactional
    public void announceTyping(UUID conversationId, String agentName) {
        String payload = conversationId + ":" + instance.key() + (agentName == null ? "" : ":" + agentName);
        Panache.getEntityManager().createNativeQuery("select pg_notify(?1, ?2)")
                .setParameter(1, TYPING_CHANNEL).setParameter(2, payload).getSingleResult();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
