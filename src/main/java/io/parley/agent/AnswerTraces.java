package io.parley.agent;

import io.parley.answer.TraceSource;
import io.parley.failure.ErrorCode;
import io.parley.failure.ParleyException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * "Why did the bot say this": an answer with every model call made for it (the {@code llm_call} rows of
 * its customer message: provider, model, the provider's request id, the prompt template version,
 * outcome, timings) and what the {@link TraceSource}s add (knowledge passages, action calls).
 */
@ApplicationScoped
public class AnswerTraces {

    /** One model call. {@code requestId} is the provider's completion id. */
    public record Call(int attempt, String tier, String provider, String model, String outcome, Integer httpStatus,
                       String requestId, String promptVersion, String finishReason, Integer firstTokenMs, Integer totalMs,
                       Integer promptTokens, Integer completionTokens, OffsetDateTime at) {
    }

    /**
     * @param source  {@code model}, {@code offline} or {@code cache}: no calls for the last two
     * @param sources the extension point's items by name ({@code passages}, {@code actions}), each list empty when nothing was used
     */
    public record Trace(long seq, long replyTo, boolean aiGenerated, String source, String provider, String model,
                        String requestId, List<Call> calls, Map<String, List<?>> sources) {
    }

    private final DataSource dataSource;
    private final Instance<TraceSource> sources;

    AnswerTraces(DataSource dataSource, Instance<TraceSource> sources) {
        this.dataSource = dataSource;
        this.sources = sources;
    }

    public Trace of(UUID conversationId, long seq) {
        try (Connection c = dataSource.getConnection()) {
            long replyTo;
            String source;
            String provider;
            String model;
            String requestId;
            try (PreparedStatement ps = c.prepareStatement("select reply_to, source, provider, model, request_id from message "
                    + "where conversation_id = ? and seq = ? and role = 'assistant'")) {
                ps.setObject(1, conversationId);
                ps.setLong(2, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new ParleyException(ErrorCode.NOT_FOUND, "No answer of the assistant at seq " + seq + " in this conversation.");
                    }
                    replyTo = rs.getLong(1);
                    source = rs.getString(2);
                    provider = rs.getString(3);
                    model = rs.getString(4);
                    requestId = rs.getString(5);
                }
            }
            List<Call> calls = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select attempt, tier, provider, model, outcome, http_status, request_id, "
                    + "prompt_version, finish_reason, first_token_ms, total_ms, prompt_tokens, completion_tokens, created_at "
                    + "from llm_call where conversation_id = ? and reply_to = ? order by id")) {
                ps.setObject(1, conversationId);
                ps.setLong(2, replyTo);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        calls.add(new Call(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                (Integer) rs.getObject(6), rs.getString(7), rs.getString(8), rs.getString(9), (Integer) rs.getObject(10),
                                (Integer) rs.getObject(11), (Integer) rs.getObject(12), (Integer) rs.getObject(13),
                                rs.getObject(14, OffsetDateTime.class)));
                    }
                }
            }
            Map<String, List<?>> extra = new LinkedHashMap<>();
            extra.put("passages", List.of());
            extra.put("actions", List.of());
            for (TraceSource s : sources) {
                extra.put(s.name(), List.copyOf(s.items(conversationId, replyTo)));
            }
            return new Trace(seq, replyTo, true, source, provider, model, requestId, calls, extra);
        } catch (SQLException e) {
            throw ParleyException.of(e);
        }
    }
}
