package io.parley.conversation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.answer.EntityValue;
import io.parley.answer.ModelAttempt;
import io.parley.answer.Passage;
import io.parley.answer.Source;
import io.parley.answer.Usage;
import io.parley.privacy.PersonalData;
import io.parley.privacy.Vault;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** How a message row and a model attempt's row map to columns: the one place {@link TurnSql}'s statements bind and read them. */
final class MessageRows {

    static final String COLUMNS = "id, conversation_id, seq, msg_id, role, text, reply_to, state, created_at, intent, intent_source, confidence, "
            + "entities, suggestions, sentiment, handoff, source, provider, model, prompt_tokens, completion_tokens, "
            + "cache_hit_tokens, cache_miss_tokens, first_token_ms, total_ms, request_id, owner, author, kind, attachment_id, sealed, sealed_key, sources, passages";
    /** The answer's fields, in the order {@link #bindAnswer} binds them. */
    static final String ANSWER_FIELDS = "intent, intent_source, confidence, entities, suggestions, sentiment, handoff, source, provider, model, "
            + "prompt_tokens, completion_tokens, cache_hit_tokens, cache_miss_tokens, first_token_ms, total_ms, request_id, sources, passages";
    static final String ANSWER_VALUES = "?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb";
    /** A model attempt's row, as {@code insert ... select} so that an answer's statement can embed it. */
    static final String ATTEMPT = "insert into llm_call (conversation_id, turn, reply_to, tier, provider, model, attempt, outcome, "
            + "http_status, error_message, request_id, first_token_ms, total_ms, prompt_tokens, completion_tokens, cache_hit_tokens, "
            + "cache_miss_tokens, reasoning_tokens, cost, created_at, finish_reason, prompt_version) "
            + "select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

    private static final TypeReference<List<EntityValue>> ENTITIES = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<List<Source>> SOURCES = new TypeReference<>() {
    };
    private static final TypeReference<List<Passage>> PASSAGES = new TypeReference<>() {
    };

    private final ObjectMapper json;
    private final Vault vault;

    MessageRows(ObjectMapper json, Vault vault) {
        this.json = json;
        this.vault = vault;
    }

    /**
     * Binds a message text as stored: its masked form and its sealed clear text (two nulls when it holds
     * no personal detail), in three parameters {@code text, sealed, sealed_key}.
     */
    int bindText(PreparedStatement ps, int i, UUID conversationId, String text) throws SQLException {
        Vault.Sealed s = vault.seal(conversationId, text);
        ps.setString(i++, s.text());
        ps.setBytes(i++, s.sealed());
        ps.setObject(i++, s.key(), Types.INTEGER);
        return i;
    }

    /** The clear text of a row read with {@code text, sealed, sealed_key} at {@code column}, {@code column + 1}, {@code column + 2}. */
    String clearText(ResultSet rs, UUID conversationId, int column) throws SQLException {
        return open(conversationId, rs.getString(column), rs.getBytes(column + 1), (Integer) rs.getObject(column + 2));
    }

    /**
     * Prompt history read as six arrays from {@code column} on (seq, role, confidence, text, sealed,
     * sealed_key, oldest first; all null when there is none), in a list the caller may extend.
     */
    List<HistoryItem> history(ResultSet rs, int column, UUID conversationId) throws SQLException {
        List<HistoryItem> items = new ArrayList<>();
        java.sql.Array seqs = rs.getArray(column);
        if (seqs == null) {
            return items;
        }
        Long[] seq = (Long[]) seqs.getArray();
        String[] role = (String[]) rs.getArray(column + 1).getArray();
        Double[] confidence = (Double[]) rs.getArray(column + 2).getArray();
        String[] text = (String[]) rs.getArray(column + 3).getArray();
        byte[][] sealed = (byte[][]) rs.getArray(column + 4).getArray();
        Integer[] key = (Integer[]) rs.getArray(column + 5).getArray();
        for (int k = 0; k < seq.length; k++) {
            items.add(new HistoryItem(seq[k], Role.of(role[k]), open(conversationId, text[k], sealed[k], key[k]), confidence[k]));
        }
        return items;
    }

    /** The clear text of a stored {@code text, sealed, sealed_key}. */
    String open(UUID conversationId, String text, byte[] sealed, Integer key) {
        return vault.open(conversationId, text, sealed, key);
    }

    int bindAnswer(PreparedStatement ps, int i, Message m) throws SQLException {
        ps.setString(i++, m.intent);
        ps.setString(i++, m.intentSource);
        ps.setObject(i++, m.confidence, Types.DOUBLE);
        // personal details never rest in clear: an entity or suggestion that holds one keeps only its kind ([PHONE])
        ps.setString(i++, toJson(m.entities == null ? null : m.entities.stream()
                .map(e -> new EntityValue(e.type(), PersonalData.redact(e.value()))).toList()));
        ps.setString(i++, toJson(m.suggestions == null ? null : m.suggestions.stream().map(PersonalData::redact).toList()));
        ps.setString(i++, m.sentiment);
        ps.setObject(i++, m.handoff, Types.BOOLEAN);
        ps.setString(i++, m.source);
        ps.setString(i++, m.provider);
        ps.setString(i++, m.model);
        i = bindUsage(ps, i, m.usage == null ? new Usage() : m.usage);
        ps.setString(i++, m.sources == null || m.sources.isEmpty() ? null : toJson(m.sources));
        ps.setString(i++, m.passages == null || m.passages.isEmpty() ? null : toJson(m.passages));
        return i;
    }

    static int bindUsage(PreparedStatement ps, int i, Usage u) throws SQLException {
        ps.setObject(i++, u.promptTokens, Types.INTEGER);
        ps.setObject(i++, u.completionTokens, Types.INTEGER);
        ps.setObject(i++, u.cacheHitTokens, Types.INTEGER);
        ps.setObject(i++, u.cacheMissTokens, Types.INTEGER);
        ps.setObject(i++, u.firstTokenMs, Types.INTEGER);
        ps.setObject(i++, u.totalMs, Types.INTEGER);
        ps.setString(i++, u.requestId);
        return i;
    }

    static int bindAttempt(PreparedStatement ps, int i, ModelAttempt a) throws SQLException {
        Usage u = a.usage();
        ps.setObject(i++, a.conversationId());
        ps.setString(i++, a.turn());
        ps.setLong(i++, a.replyTo());
        ps.setString(i++, a.tier());
        ps.setString(i++, a.provider());
        ps.setString(i++, a.model());
        ps.setInt(i++, a.number());
        ps.setString(i++, a.outcome());
        ps.setObject(i++, a.httpStatus(), Types.INTEGER);
        ps.setString(i++, a.errorMessage());
        ps.setString(i++, u.requestId);
        ps.setObject(i++, u.firstTokenMs, Types.INTEGER);
        ps.setObject(i++, u.totalMs, Types.INTEGER);
        ps.setObject(i++, u.promptTokens, Types.INTEGER);
        ps.setObject(i++, u.completionTokens, Types.INTEGER);
        ps.setObject(i++, u.cacheHitTokens, Types.INTEGER);
        ps.setObject(i++, u.cacheMissTokens, Types.INTEGER);
        ps.setObject(i++, a.reasoningTokens(), Types.INTEGER);
        ps.setBigDecimal(i++, a.cost());
        ps.setObject(i++, a.at());
        ps.setString(i++, a.finishReason());
        ps.setString(i++, a.promptVersion());
        return i;
    }

    List<Message> read(PreparedStatement ps) throws SQLException {
        List<Message> list = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Message m = new Message();
                m.id = rs.getLong("id");
                m.conversationId = rs.getObject("conversation_id", UUID.class);
                m.seq = (Long) rs.getObject("seq");
                m.msgId = rs.getString("msg_id");
                m.role = Role.of(rs.getString("role"));
                m.text = vault.open(m.conversationId, rs.getString("text"), rs.getBytes("sealed"), (Integer) rs.getObject("sealed_key"));
                m.replyTo = (Long) rs.getObject("reply_to");
                m.state = MessageState.of(rs.getString("state"));
                m.createdAt = rs.getObject("created_at", OffsetDateTime.class);
                m.intent = rs.getString("intent");
                m.intentSource = rs.getString("intent_source");
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
                m.attachment = rs.getObject("attachment_id", UUID.class);
                m.sources = fromJson(rs.getString("sources"), SOURCES);
                m.passages = fromJson(rs.getString("passages"), PASSAGES);
                list.add(m);
            }
        }
        return list;
    }

    /** Entities and suggestions are lists of plain values: writing them cannot fail. */
    private String toJson(Object value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unwritable JSON column", e);
        }
    }

    private <T> T fromJson(String value, TypeReference<T> type) {
        try {
            return value == null ? null : json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON column: " + e.getMessage(), e);
        }
    }
}
