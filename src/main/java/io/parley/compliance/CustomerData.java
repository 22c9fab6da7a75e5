package io.parley.compliance;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.conversation.Conversations;
import io.parley.privacy.Vault;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything Parley holds about one customer, found by their verified user id (widget identity) or a
 * conversation token: exported as JSON, erased (anonymised), or deleted. Knowledge (intents, examples)
 * is never touched; the audit trail keeps ids and counts, never erased content.
 */
@ApplicationScoped
public class CustomerData {

    /** Who the data is about: a verified user id, or one conversation's token. */
    public record Subject(String userId, String token) {
        public Subject {
            userId = userId == null || userId.isBlank() ? null : userId.strip();
            token = token == null || token.isBlank() ? null : token.strip();
        }

        public boolean valid() {
            return (userId == null) != (token == null);
        }
    }

    /** Rows removed or emptied by an erasure, a deletion or the retention job. */
    public record Counts(int conversations, int messages, int notes, int events, int modelCalls) {
        Map<String, Object> asMap() {
            return Map.of("conversations", conversations, "messages", messages, "notes", notes, "events", events,
                    "modelCalls", modelCalls);
        }
    }

    private final DataSource db;
    private final ObjectMapper json;
    private final Vault vault;

    CustomerData(DataSource db, ObjectMapper json, Vault vault) {
        this.db = db;
        this.json = json;
        this.vault = vault;
    }

    /** The subject's conversations (erased ones are no longer found by token or user id). */
    public List<UUID> conversations(Subject subject) {
        String sql = subject.userId() != null ? "select id from conversation where external_user_id = ? order by created_at"
                : "select id from conversation where token_hash = ?";
        String key = subject.userId() != null ? subject.userId() : Conversations.hash(subject.token());
        List<UUID> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("customer data not read: " + e.getMessage(), e);
        }
        return ids;
    }

    /**
     * The conversations as JSON-ready maps. {@code staff}: with what agents see (intents, entities,
     * notes, model calls without content); otherwise what the customer sees in the chat.
     */
    public List<Map<String, Object>> export(List<UUID> ids, boolean staff) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            for (UUID id : ids) {
                Map<String, Object> conversation = one(c, "select id, status, locale, site, external_user_id as \"userId\", tags,"
                        + " rating, rating_comment as \"ratingComment\", created_at as \"createdAt\", updated_at as \"updatedAt\""
                        + " from conversation where id = ?", id);
                conversation.put("messages", opened(id, rows(c, staff
                        ? "select seq, role, text, sealed, sealed_key, author, created_at as at, intent, confidence, entities::text as entities, source,"
                          + " provider, model from message where conversation_id = ? and seq is not null order by seq"
                        : "select seq, role, text, sealed, sealed_key, created_at as at from message where conversation_id = ? and seq is not null"
                          + " and role <> 'system' order by seq", id)));
                if (staff) {
                    conversation.put("notes", rows(c, "select author, text, at from conversation_note where conversation_id = ? order by id", id));
                    conversation.put("events", rows(c, "select from_status as \"from\", to_status as \"to\", actor, reason, at"
                            + " from conversation_event where conversation_id = ? order by id", id));
                    conversation.put("modelCalls", rows(c, "select provider, model, tier, outcome, prompt_tokens as \"promptTokens\","
                            + " completion_tokens as \"completionTokens\", cost, created_at as at from llm_call where conversation_id = ? order by id", id));
                }
                out.add(conversation);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("customer data not exported: " + e.getMessage(), e);
        }
        return out;
    }

    /** The messages with their personal details opened: the export is what Parley holds about the customer, in clear. */
    private List<Map<String, Object>> opened(UUID conversationId, List<Map<String, Object>> messages) {
        for (Map<String, Object> m : messages) {
            Object key = m.remove("sealed_key");
            m.put("text", vault.open(conversationId, (String) m.get("text"), (byte[]) m.remove("sealed"), (Integer) key));
        }
        return messages;
    }

    /**
     * Erases what the conversations say, keeping only what the business counts (model costs and the
     * conversation's dates and rating, anonymous): messages, notes and the status history go, model
     * calls lose their error text and request ids, and the conversation loses its token, user id, site,
     * tags and rating comment and is closed (nothing reopens it).
     */
    public Counts anonymise(List<UUID> ids) {
        return inTransaction(c -> {
            Array array = c.createArrayOf("uuid", ids.toArray());
            update(c, "delete from attachment where conversation_id = any(?)", array); // photos are what the customer said too
            // the business systems' calls hold the customer's order numbers, addresses and the responses' summaries
            update(c, "delete from action_call where conversation_id = any(?)", array);
            update(c, "delete from action_proposal where conversation_id = any(?)", array);
            int messages = update(c, "delete from message where conversation_id = any(?)", array);
            int notes = update(c, "delete from conversation_note where conversation_id = any(?)", array);
            int events = update(c, "delete from conversation_event where conversation_id = any(?)", array);
            int calls = update(c, "update llm_call set error_message = null, request_id = null, turn = 'erased' where conversation_id = any(?)", array);
            int conversations = update(c, "update conversation set token_hash = 'erased:' || id, external_user_id = null, site = null,"
                    + " locale = null, tags = '{}', rating_comment = null, status = 'closed' where id = any(?)", array);
            return new Counts(conversations, messages, notes, events, calls);
        });
    }

    /** Deletes the conversations and everything that hangs off them. */
    public Counts delete(List<UUID> ids) {
        return inTransaction(c -> {
            Array array = c.createArrayOf("uuid", ids.toArray());
            int messages = count(c, "select count(*) from message where conversation_id = any(?)", array);
            int notes = count(c, "select count(*) from conversation_note where conversation_id = any(?)", array);
            int events = count(c, "select count(*) from conversation_event where conversation_id = any(?)", array);
            int calls = count(c, "select count(*) from llm_call where conversation_id = any(?)", array);
            int conversations = update(c, "delete from conversation where id = any(?)", array); // cascades to the rest
            return new Counts(conversations, messages, notes, events, calls);
        });
    }

    private interface Work {
        Counts run(Connection c) throws SQLException;
    }

    private Counts inTransaction(Work work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                Counts counts = work.run(c);
                c.commit();
                return counts;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("customer data not erased: " + e.getMessage(), e);
        }
    }

    private static int update(Connection c, String sql, Array ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, ids);
            return ps.executeUpdate();
        }
    }

    private static int count(Connection c, String sql, Array ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private Map<String, Object> one(Connection c, String sql, UUID id) throws SQLException {
        List<Map<String, Object>> rows = rows(c, sql, id);
        return rows.isEmpty() ? new LinkedHashMap<>() : rows.get(0);
    }

    private List<Map<String, Object>> rows(Connection c, String sql, UUID id) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= columns; i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), value(rs.getMetaData().getColumnLabel(i), rs.getObject(i)));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private Object value(String column, Object v) throws SQLException {
        if (v instanceof Array a) {
            return List.of((Object[]) a.getArray());
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof UUID || v instanceof java.math.BigDecimal) {
            return v.toString();
        }
        if (column.equals("entities") && v instanceof String s) {
            try {
                return json.readTree(s);
            } catch (java.io.IOException e) {
                return s;
            }
        }
        return v;
    }
}
