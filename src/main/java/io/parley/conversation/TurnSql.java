package io.parley.conversation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * The statements of every turn, as plain JDBC: a customer message, its reserved answer and the
 * announcement in one statement, and the finished answer in another. The turn path runs these
 * thousands of times a second, where Hibernate's flushes and dirty checks and JTA's bookkeeping cost
 * more than the database work itself (bench/README.md has the profile). Everything else about
 * conversations stays on Panache entities.
 */
final class TurnSql {

    static final String COLUMNS = "id, conversation_id, seq, msg_id, role, text, reply_to, state, created_at, intent, confidence, "
            + "entities, suggestions, sentiment, handoff, source, provider, model, prompt_tokens, completion_tokens, "
            + "cache_hit_tokens, cache_miss_tokens, first_token_ms, total_ms, request_id, owner, author, kind";

    private static final TypeReference<List<EntityValue>> ENTITIES = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final ObjectMapper json;

    TurnSql(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** A new customer message stored, the answer reserved, other instances told; null when the conversation is not open to the bot path. */
    record Stored(Message customer, Long reserved, boolean priority, ConversationStatus status, List<Message> history) {
    }

    /**
     * Stores a customer message of a conversation that is with the bot, waiting, or with an agent:
     * the seq, the message, the bot's reserved answer row (state streaming, no seq yet) and the
     * announcement are one statement, committed on its own (one round trip; each extra round trip
     * costs two context switches on a busy machine). The prompt history is read after it, only when
     * the bot answers. Returns null when the conversation is in another status (resolved, closed,
     * gone): the caller takes the general path. Throws on a duplicate id, having stored nothing.
     */
    Stored accept(UUID conversationId, String msgId, String text, int historySize, long instance, OffsetDateTime now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            long seq;
            long customerId;
            Long reserved;
            boolean priority;
            ConversationStatus status;
            try (PreparedStatement ps = c.prepareStatement("""
                    with s as (update conversation set last_seq = last_seq + 1, updated_at = ?
                               where id = ? and status in ('bot', 'waiting_agent', 'agent') returning id, last_seq, priority, status),
                         m as (insert into message (conversation_id, seq, msg_id, role, text, state, created_at)
                               select s.id, s.last_seq, ?, 'customer', ?, 'complete', ? from s returning id),
                         a as (insert into message (conversation_id, reply_to, msg_id, role, text, state, owner, created_at)
                               select s.id, s.last_seq, ?, 'assistant', '', 'streaming', ?, ? from s where s.status = 'bot' returning id)
                    select s.last_seq, s.priority, s.status, (select id from m), (select id from a),
                           pg_notify(?, ? || ':' || s.last_seq || ':' || ?) from s""")) {
                int i = 1;
                ps.setObject(i++, now);
                ps.setObject(i++, conversationId);
                ps.setString(i++, msgId);
                ps.setString(i++, text);
                ps.setObject(i++, now);
                ps.setString(i++, UUID.randomUUID().toString());
                ps.setLong(i++, instance);
                ps.setObject(i++, now);
                ps.setString(i++, ConversationStore.CHANNEL);
                ps.setString(i++, conversationId.toString());
                ps.setString(i, Long.toString(instance));
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
                }
            }
            List<Message> history = reserved == null || historySize <= 0 ? List.of() : history(c, conversationId, seq, historySize);
            Message m = new Message();
            m.id = customerId;
            m.conversationId = conversationId;
            m.seq = seq;
            m.msgId = msgId;
            m.role = Message.CUSTOMER;
            m.text = text;
            m.createdAt = now;
            return new Stored(m, reserved, priority, status, history);
        }
    }

    /**
     * Stores a finished answer into its reserved row, giving it its seq, with {@code also} written
     * only if the answer is: one statement, committed on its own. Null when the row is no longer
     * streaming (another instance declared it interrupted); nothing is written then.
     */
    Message complete(long answerId, Message answer, ConversationStore.SqlWrite also, long instance) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("""
                    with s as (update conversation set last_seq = last_seq + 1 where id = ?
                               and exists (select 1 from message where id = ? and state = 'streaming') returning last_seq),
                         u as (update message set seq = (select last_seq from s), text = ?, state = ?, intent = ?, confidence = ?,
                               entities = ?::jsonb, suggestions = ?::jsonb, sentiment = ?, handoff = ?, source = ?, provider = ?,
                               model = ?, prompt_tokens = ?, completion_tokens = ?, cache_hit_tokens = ?, cache_miss_tokens = ?,
                               first_token_ms = ?, total_ms = ?, request_id = ?
                               where id = ? and state = 'streaming' and exists (select 1 from s) returning seq, msg_id, reply_to, created_at)"""
                    + (also == null ? "" : ",\n     l as (" + also.insertSelect() + " where exists (select 1 from u))")
                    + "\nselect u.seq, u.msg_id, u.reply_to, u.created_at, pg_notify(?, ? || ':' || u.seq || ':' || ?) from u")) {
                int i = 1;
                ps.setObject(i++, answer.conversationId);
                ps.setLong(i++, answerId);
                ps.setString(i++, answer.text);
                ps.setString(i++, answer.state);
                ps.setString(i++, answer.intent);
                setDouble(ps, i++, answer.confidence);
                ps.setString(i++, toJson(answer.entities));
                ps.setString(i++, toJson(answer.suggestions));
                ps.setString(i++, answer.sentiment);
                setBoolean(ps, i++, answer.handoff);
                ps.setString(i++, answer.source);
                ps.setString(i++, answer.provider);
                ps.setString(i++, answer.model);
                Usage u = answer.usage == null ? new Usage() : answer.usage;
                setInt(ps, i++, u.promptTokens);
                setInt(ps, i++, u.completionTokens);
                setInt(ps, i++, u.cacheHitTokens);
                setInt(ps, i++, u.cacheMissTokens);
                setInt(ps, i++, u.firstTokenMs);
                setInt(ps, i++, u.totalMs);
                ps.setString(i++, u.requestId);
                ps.setLong(i++, answerId);
                if (also != null) {
                    i = also.bind(ps, i);
                }
                ps.setString(i++, ConversationStore.CHANNEL);
                ps.setString(i++, answer.conversationId.toString());
                ps.setString(i, Long.toString(instance));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Message stored = answer;
                    stored.id = answerId;
                    stored.seq = rs.getLong(1);
                    stored.msgId = rs.getString(2);
                    stored.replyTo = rs.getLong(3);
                    stored.createdAt = rs.getObject(4, OffsetDateTime.class);
                    stored.role = Message.ASSISTANT;
                    return stored;
                }
            }
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
                     + "created_at, updated_at, site, external_user_id) values (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)")) {
            ps.setObject(1, conversation.id);
            ps.setString(2, conversation.tokenHash);
            ps.setString(3, conversation.status);
            ps.setString(4, conversation.locale);
            ps.setBoolean(5, conversation.priority);
            ps.setObject(6, conversation.createdAt);
            ps.setObject(7, conversation.updatedAt);
            ps.setString(8, conversation.site);
            ps.setString(9, conversation.externalUserId);
            ps.executeUpdate();
        }
    }

    void savePartial(long answerId, String text) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update message set text = ? where id = ? and state = 'streaming'")) {
            ps.setString(1, text);
            ps.setLong(2, answerId);
            ps.executeUpdate();
        }
    }

    /** Stored messages after {@code seq}, in order. */
    List<Message> after(UUID conversationId, long seq) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from message where conversation_id = ? and seq > ? order by seq")) {
            ps.setObject(1, conversationId);
            ps.setLong(2, seq);
            return read(ps);
        }
    }

    List<Message> history(UUID conversationId, long seq, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return history(c, conversationId, seq, limit);
        }
    }

    private List<Message> history(Connection c, UUID conversationId, long seq, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from message where conversation_id = ? and seq <= ? "
                + "and role <> 'system' order by seq desc limit ?")) {
            ps.setObject(1, conversationId);
            ps.setLong(2, seq);
            ps.setInt(3, limit);
            List<Message> newestFirst = read(ps);
            Collections.reverse(newestFirst);
            return newestFirst;
        }
    }

    private List<Message> read(PreparedStatement ps) throws SQLException {
        List<Message> list = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Message m = new Message();
                m.id = rs.getLong("id");
                m.conversationId = rs.getObject("conversation_id", UUID.class);
                m.seq = rs.getLong("seq");
                m.msgId = rs.getString("msg_id");
                m.role = rs.getString("role");
                m.text = rs.getString("text");
                m.replyTo = (Long) rs.getObject("reply_to");
                m.state = rs.getString("state");
                m.createdAt = rs.getObject("created_at", OffsetDateTime.class);
                m.intent = rs.getString("intent");
                m.confidence = (Double) rs.getObject("confidence");
                m.entities = fromJson(rs.getString("entities"), ENTITIES);
                m.suggestions = fromJson(rs.getString("suggestions"), STRINGS);
                m.sentiment = rs.getString("sentiment");
                m.handoff = (Boolean) rs.getObject("handoff");
                m.source = rs.getString("source");
                m.provider = rs.getString("provider");
                m.model = rs.getString("model");
                m.usage.promptTokens = (Integer) rs.getObject("prompt_tokens");
                m.usage.completionTokens = (Integer) rs.getObject("completion_tokens");
                m.usage.cacheHitTokens = (Integer) rs.getObject("cache_hit_tokens");
                m.usage.cacheMissTokens = (Integer) rs.getObject("cache_miss_tokens");
                m.usage.firstTokenMs = (Integer) rs.getObject("first_token_ms");
                m.usage.totalMs = (Integer) rs.getObject("total_ms");
                m.usage.requestId = rs.getString("request_id");
                m.owner = (Long) rs.getObject("owner");
                m.author = rs.getString("author");
                m.kind = rs.getString("kind");
                list.add(m);
            }
        }
        return list;
    }

    private String toJson(Object value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private <T> T fromJson(String value, TypeReference<T> type) {
        try {
            return value == null ? null : json.readValue(value, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON column: " + e.getMessage(), e);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static void setBoolean(PreparedStatement ps, int i, Boolean v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BOOLEAN);
        } else {
            ps.setBoolean(i, v);
        }
    }
}
