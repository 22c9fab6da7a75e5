package io.parley.llm;

import io.parley.conversation.ConversationStore;
import io.parley.conversation.Usage;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One model attempt, for operators: see {@link Accounting}. */
@Entity
@Table(name = "llm_call")
public class LlmCall extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "conversation_id", nullable = false)
    public UUID conversationId;
    @Column(nullable = false)
    public String turn;
    @Column(name = "reply_to", nullable = false)
    public long replyTo;
    @Column(nullable = false)
    public String tier;
    @Column(nullable = false)
    public String provider;
    @Column(nullable = false)
    public String model;
    @Column(nullable = false)
    public int attempt;
    @Column(nullable = false)
    public String outcome;
    @Column(name = "http_status")
    public Integer httpStatus;
    @Column(name = "error_message")
    public String errorMessage;
    @Embedded
    public Usage usage = new Usage();
    @Column(name = "reasoning_tokens")
    public Integer reasoningTokens;
    public BigDecimal cost;
    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** This row as an {@code insert ... select}, so the answer's statement can embed it (see ConversationStore.SqlWrite). */
    public ConversationStore.SqlWrite write() {
        return new ConversationStore.SqlWrite() {
            @Override
            public String insertSelect() {
                return "insert into llm_call (conversation_id, turn, reply_to, tier, provider, model, attempt, outcome, http_status, "
                        + "error_message, request_id, first_token_ms, total_ms, prompt_tokens, completion_tokens, cache_hit_tokens, "
                        + "cache_miss_tokens, reasoning_tokens, cost, created_at) "
                        + "select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
            }

            @Override
            public int bind(PreparedStatement ps, int i) throws SQLException {
                Usage u = usage();
                ps.setObject(i++, conversationId);
                ps.setString(i++, turn);
                ps.setLong(i++, replyTo);
                ps.setString(i++, tier);
                ps.setString(i++, provider);
                ps.setString(i++, model);
                ps.setInt(i++, attempt);
                ps.setString(i++, outcome);
                ps.setObject(i++, httpStatus, Types.INTEGER);
                ps.setString(i++, errorMessage);
                ps.setString(i++, u.requestId);
                ps.setObject(i++, u.firstTokenMs, Types.INTEGER);
                ps.setObject(i++, u.totalMs, Types.INTEGER);
                ps.setObject(i++, u.promptTokens, Types.INTEGER);
                ps.setObject(i++, u.completionTokens, Types.INTEGER);
                ps.setObject(i++, u.cacheHitTokens, Types.INTEGER);
                ps.setObject(i++, u.cacheMissTokens, Types.INTEGER);
                ps.setObject(i++, reasoningTokens, Types.INTEGER);
                ps.setBigDecimal(i++, cost);
                ps.setObject(i++, createdAt);
                return i;
            }
        };
    }

    /** Never null (Hibernate leaves an embedded value null when all its columns are). */
    public Usage usage() {
        return usage != null ? usage : new Usage();
    }
}
