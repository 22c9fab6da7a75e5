package io.parley.conversation;

import io.parley.answer.ModelAttempt;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Every statement that places a message in a conversation, as plain JDBC: taking the next seq under
 * the conversation's row lock, writing the row and announcing it with {@code pg_notify} happen in one
 * statement, so other instances hear of a message exactly when it commits. The turn runs these
 * thousands of times a second, where Hibernate's flushes and dirty checks and JTA's bookkeeping cost
 * more than the database work itself (bench/README.md); the rare paths (resends, reopening, answers
 * swept after a crash, notices and agent replies) use the same statements, so each rule is written
 * once. Everything else about conversations stays on Panache entities.
 */
final class TurnSql {

    static final String CHANNEL = "parley_messages";

    private final DataSource dataSource;
    private final MessageRows rows;

    TurnSql(DataSource dataSource, MessageRows rows) {
        this.dataSource = dataSource;
        this.rows = rows;
    }

    /** A new customer message stored, the answer reserved when the bot answers, other instances told. */
    record Stored(Message customer, Long reserved, boolean priority, ConversationStatus status, List<HistoryItem> history) {
    }

    /**
     * Stores a customer message of a conversation that is with the bot, waiting, or with an agent:
     * the seq, the message, the bot's reserved answer row (state streaming, no seq yet), the
     * announcement and, when the bot answers, the prompt history before it are one statement,
     * committed on its own (one round trip; each extra round trip costs two context switches and a
     * statement's overhead in PostgreSQL on a busy machine). Returns null when the conversation is in
     * another status (resolved, closed, gone). Throws on a duplicate id, having stored nothing.
     */
    Stored accept(UUID conversationId, String msgId, String text, int historySize, long instance, OffsetDateTime now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            long seq;
            long customerId;
            Long reserved;
            boolean priority;
            ConversationStatus status;
            List<HistoryItem> history = List.of();
            // the history reads the rows stored before this statement (its snapshot does not see the new message)
            try (PreparedStatement ps = c.prepareStatement("""
                    with s as (update conversation set last_seq = last_seq + 1, updated_at = ?
                               where id = ? and status in ('bot', 'waiting_agent', 'agent') returning id, last_seq, priority, status),
                         m as (insert into message (conversation_id, seq, msg_id, role, text, sealed, sealed_key, state, created_at)
                               select s.id, s.last_seq, ?, 'customer', ?, ?, ?, 'complete', ? from s returning id),
                         a as (insert into message (conversation_id, reply_to, msg_id, role, text, state, owner, created_at)
                               select s.id, s.last_seq, ?, 'assistant', '', 'streaming', ?, ? from s where s.status = 'bot' returning id),
                         h as (select p.seq, p.role, p.confidence, p.text, p.sealed, p.sealed_key from s, message p
                               where s.status = 'bot' and p.conversation_id = s.id and p.seq < s.last_seq and p.role <> 'system'
                               order by p.seq desc limit greatest(? - 1, 0))
                    select s.last_seq, s.priority, s.status, (select id from m), (select id from a),
                           pg_notify(?, ? || ':' || s.last_seq || ':' || ?), x.*
                    from s, (select array_agg(seq order by seq) seqs, array_agg(role order by seq) roles, array_agg(confidence order by seq) confidences,
                                    array_agg(text order by seq) texts, array_agg(sealed order by seq) sealeds, array_agg(sealed_key order by seq) sealed_keys
                             from h) x""")) {
                int i = 1;
                ps.setObject(i++, now);
                ps.setObject(i++, conversationId);
                ps.setString(i++, msgId);
                i = rows.bindText(ps, i, conversationId, text);
                ps.setObject(i++, now);
                ps.setString(i++, UUID.randomUUID().toString());
                ps.setLong(i++, instance);
                ps.setObject(i++, now);
                ps.setInt(i++, historySize);
                bindNotify(ps, i, conversationId, instance);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    seq = rs.getLong(1);
                    priority = rs.getBoolean(2);
                    status = ConversationStatus.of(rs.getString(3));
                    customerId = rs.getLong(4);
                    long a = rs.getLong(5);
                    reserved = rs.wasNull() ? null : a;
                    if (reserved != null && historySize > 0) {
                        history = rows.history(rs, 7, conversationId);
                        history.add(new HistoryItem(seq, Role.CUSTOMER, text, null));
                    }
                }
            }
            Message m = new Message();
            m.id = customerId;
            m.conversationId = conversationId;
            m.seq = seq;
            m.msgId = msgId;
            m.role = Role.CUSTOMER;
            m.text = text;
            m.createdAt = now;
            return new Stored(m, reserved, priority, status, history);
        }
    }

    /** A resolved conversation goes back to the bot, the transition recorded; false when it was not resolved. */
    boolean reopen(UUID conversationId, String actor, String reason, OffsetDateTime now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     with r as (update conversation set status = 'bot', updated_at = ? where id = ? and status = 'resolved' returning id)
                     insert into conversation_event (conversation_id, from_status, to_status, actor, reason, at)
                     select id, 'resolved', 'bot', ?, ?, ? from r""")) {
            c.setAutoCommit(true);
            ps.setObject(1, now);
            ps.setObject(2, conversationId);
            ps.setString(3, actor);
            ps.setString(4, reason);
            ps.setObject(5, now);
            return ps.executeUpdate() > 0;
        }
    }

    /** The conversation's status and priority, or null when there is no such conversation. */
    record State(ConversationStatus status, boolean priority) {
    }

    State state(UUID conversationId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select status, priority from conversation where id = ?")) {
            ps.setObject(1, conversationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new State(ConversationStatus.of(rs.getString(1)), rs.getBoolean(2)) : null;
            }
        }
    }

    /** The message stored under a client-made id, or null. */
    Message byMsgId(UUID conversationId, String msgId) throws SQLException {
        return one("select " + MessageRows.COLUMNS + " from message where conversation_id = ? and msg_id = ? and role <> 'assistant'", conversationId, msgId);
    }

    /** The complete answer to the message at {@code replyTo}, or null. */
    Message completeAnswer(UUID conversationId, long replyTo) throws SQLException {
        return one("select " + MessageRows.COLUMNS + " from message where conversation_id = ? and reply_to = ? and role = 'assistant' "
                + "and state = 'complete'", conversationId, replyTo);
    }

    /**
     * Reserves the answer to the message at {@code replyTo} (state streaming, owned by {@code instance}),
     * unless an answer is stored or streaming already: null then.
     */
    Long reserve(UUID conversationId, long replyTo, long instance, OffsetDateTime now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     insert into message (conversation_id, reply_to, msg_id, role, text, state, owner, created_at)
                     select ?, ?, ?, 'assistant', '', 'streaming', ?, ? where not exists (select 1 from message
                         where conversation_id = ? and reply_to = ? and role = 'assistant' and state in ('complete', 'streaming'))
                     returning id""")) {
            c.setAutoCommit(true);
            ps.setObject(1, conversationId);
            ps.setLong(2, replyTo);
            ps.setString(3, UUID.randomUUID().toString());
            ps.setLong(4, instance);
            ps.setObject(5, now);
            ps.setObject(6, conversationId);
            ps.setLong(7, replyTo);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Gives up a reserved answer (no row remains). */
    void abandon(long answerId) throws SQLException {
        update("delete from message where id = ? and state = 'streaming'", answerId);
    }

    /**
     * Stores a finished answer into its reserved row, giving it its seq, with {@code attempt} written
     * only if the answer is: one statement, committed on its own. The row is locked first and must
     * still be streaming, so two instances completing the same row (a sweep and its owner, or two
     * sweeps) place it once: the second finds it no longer streaming and takes no seq. The conversation's last activity
     * does not move (the customer's message moved it a moment ago; the answer's update then touches
     * no indexed column and stays heap-only). Null when the row is no longer streaming (another
     * instance declared it interrupted); nothing is written then. The answer's time is {@code now}
     * (when it was finished), not its reservation's.
     */
    Message complete(long answerId, Message answer, ModelAttempt attempt, long instance, OffsetDateTime now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     with r as (select id from message where id = ? and state = 'streaming' for update),
                          s as (update conversation set last_seq = last_seq + 1 where id = ? and exists (select 1 from r) returning last_seq),
                          u as (update message set (seq, created_at, text, sealed, sealed_key, state, %s) = ((select last_seq from s), ?, ?, ?, ?, ?, %s)
                                where id = (select id from r) and exists (select 1 from s) returning seq, msg_id, reply_to, created_at)%s
                     select u.seq, u.msg_id, u.reply_to, u.created_at, pg_notify(?, ? || ':' || u.seq || ':' || ?) from u"""
                     .formatted(MessageRows.ANSWER_FIELDS, MessageRows.ANSWER_VALUES, attempt == null ? "" : ",\n l as (" + MessageRows.ATTEMPT + " where exists (select 1 from u))"))) {
            c.setAutoCommit(true);
            int i = 1;
            ps.setLong(i++, answerId);
            ps.setObject(i++, answer.conversationId);
            ps.setObject(i++, now);
            i = rows.bindText(ps, i, answer.conversationId, answer.text);
            ps.setString(i++, answer.state.wire());
            i = rows.bindAnswer(ps, i, answer);
            if (attempt != null) {
                i = MessageRows.bindAttempt(ps, i, attempt);
            }
            bindNotify(ps, i, answer.conversationId, instance);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                answer.id = answerId;
                answer.seq = rs.getLong(1);
                answer.msgId = rs.getString(2);
                answer.replyTo = rs.getLong(3);
                answer.createdAt = rs.getObject(4, OffsetDateTime.class);
                answer.role = Role.ASSISTANT;
                return answer;
            }
        }
    }

    /**
     * Appends a new message with the next seq, announced, on {@code c} (its transaction, or its own
     * when autocommitted); {@code attempt} (an answer's model attempt) is written with it. Notices and
     * replies by people move the conversation's last activity ({@code touch}); an answer does not.
     */
    Message append(Connection c, Message m, ModelAttempt attempt, boolean touch, long instance, OffsetDateTime now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                with s as (update conversation set last_seq = last_seq + 1%s where id = ? returning id, last_seq),
                     m as (insert into message (conversation_id, seq, msg_id, role, text, sealed, sealed_key, reply_to, state, created_at, author, kind, attachment_id, %s)
                           select s.id, s.last_seq, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, %s from s returning id, seq)%s
                select m.id, m.seq, pg_notify(?, ? || ':' || m.seq || ':' || ?) from m"""
                .formatted(touch ? ", updated_at = ?" : "", MessageRows.ANSWER_FIELDS, MessageRows.ANSWER_VALUES,
                        attempt == null ? "" : ",\n l as (" + MessageRows.ATTEMPT + " where exists (select 1 from m))"))) {
            int i = 1;
            if (touch) {
                ps.setObject(i++, now);
            }
            ps.setObject(i++, m.conversationId);
            m.msgId = m.msgId == null ? UUID.randomUUID().toString() : m.msgId;
            m.createdAt = now;
            ps.setString(i++, m.msgId);
            ps.setString(i++, m.role.wire());
            i = rows.bindText(ps, i, m.conversationId, m.text);
            ps.setObject(i++, m.replyTo, Types.BIGINT);
            ps.setString(i++, m.state.wire());
            ps.setObject(i++, now);
            ps.setString(i++, m.author);
            ps.setString(i++, m.kind);
            ps.setObject(i++, m.attachment, Types.OTHER);
            i = rows.bindAnswer(ps, i, m);
            if (attempt != null) {
                i = MessageRows.bindAttempt(ps, i, attempt);
            }
            bindNotify(ps, i, m.conversationId, instance);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NoSuchConversationException(m.conversationId);
                }
                m.id = rs.getLong(1);
                m.seq = rs.getLong(2);
                return m;
            }
        }
    }

    /** {@link #append} on a connection of its own, committed at once. */
    Message append(Message m, ModelAttempt attempt, boolean touch, long instance, OffsetDateTime now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return append(c, m, attempt, touch, instance, now);
        }
    }

    /** A model attempt that produced no stored answer (it failed, or another link answered). */
    void insertAttempt(ModelAttempt attempt) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MessageRows.ATTEMPT)) {
            c.setAutoCommit(true);
            MessageRows.bindAttempt(ps, 1, attempt);
            ps.executeUpdate();
        }
    }

    /** Open conversations idle since {@code before} become resolved, oldest first, each transition recorded. */
    List<UUID> resolveInactive(OffsetDateTime before, int limit, String reason, OffsetDateTime now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     with old as (select id, status from conversation where status in ('bot', 'waiting_agent', 'agent')
                                  and updated_at < ? order by updated_at limit ? for update skip locked),
                          r as (update conversation c set status = 'resolved', updated_at = ? from old where c.id = old.id
                                returning c.id, old.status),
                          e as (insert into conversation_event (conversation_id, from_status, to_status, actor, reason, at)
                                select id, status, 'resolved', 'system', ?, ? from r)
                     select id from r""")) {
            c.setAutoCommit(true);
            ps.setObject(1, before);
            ps.setInt(2, limit);
            ps.setObject(3, now);
            ps.setString(4, reason);
            ps.setObject(5, now);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    void insert(Conversation conversation) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into conversation (id, token_hash, status, locale, priority, last_seq, "
                     + "created_at, updated_at, site, external_user_id, channel) values (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?) on conflict (id) do nothing")) {
            ps.setObject(1, conversation.id);
            ps.setString(2, conversation.tokenHash);
            ps.setString(3, conversation.status.wire());
            ps.setString(4, conversation.locale);
            ps.setBoolean(5, conversation.priority);
            ps.setObject(6, conversation.createdAt);
            ps.setObject(7, conversation.updatedAt);
            ps.setString(8, conversation.site);
            ps.setString(9, conversation.externalUserId);
            ps.setString(10, conversation.channel.wire());
            ps.executeUpdate();
        }
    }

    void savePartial(UUID conversationId, long answerId, String text) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update message set text = ?, sealed = ?, sealed_key = ? where id = ? and state = 'streaming'")) {
            ps.setLong(rows.bindText(ps, 1, conversationId, text), answerId);
            ps.executeUpdate();
        }
    }

    List<HistoryItem> history(UUID conversationId, long seq, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return history(c, rows, conversationId, seq, limit);
        }
    }

    /** The prompt's context: up to {@code limit} stored messages up to {@code seq}, oldest first, without system notices. */
    private static List<HistoryItem> history(Connection c, MessageRows rows, UUID conversationId, long seq, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select seq, role, confidence, text, sealed, sealed_key from message where conversation_id = ? and seq <= ? "
                + "and role <> 'system' order by seq desc limit ?")) {
            ps.setObject(1, conversationId);
            ps.setLong(2, seq);
            ps.setInt(3, limit);
            List<HistoryItem> newestFirst = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    newestFirst.add(new HistoryItem(rs.getLong(1), Role.of(rs.getString(2)), rows.clearText(rs, conversationId, 4), (Double) rs.getObject(3)));
                }
            }
            Collections.reverse(newestFirst);
            return newestFirst;
        }
    }

    private Message one(String sql, UUID conversationId, Object key) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, conversationId);
            ps.setObject(2, key);
            List<Message> found = rows.read(ps);
            return found.isEmpty() ? null : found.get(0);
        }
    }

    private void update(String sql, long id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static void bindNotify(PreparedStatement ps, int i, UUID conversationId, long instance) throws SQLException {
        ps.setString(i++, CHANNEL);
        ps.setString(i++, conversationId.toString());
        ps.setString(i, Long.toString(instance));
    }
}
