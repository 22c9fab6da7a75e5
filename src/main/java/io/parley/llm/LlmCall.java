package io.parley.llm;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.parley.conversation.Usage;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
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

    /** Writes this row with plain JDBC, in the transaction that stores the answer (see ConversationStore.SqlWrite). */
    public void insert(java.sql.Connection c) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("insert into llm_call (conversation_id, turn, reply_to, tier, provider, "
                + "model, attempt, outcome, http_status, error_message, request_id, first_token_ms, total_ms, prompt_tokens, "
                + "completion_tokens, cache_hit_tokens, cache_miss_tokens, reasoning_tokens, cost, created_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Usage u = usage();
            ps.setObject(1, conversationId);
            ps.setString(2, turn);
            ps.setLong(3, replyTo);
            ps.setString(4, tier);
            ps.setString(5, provider);
            ps.setString(6, model);
            ps.setInt(7, attempt);
            ps.setString(8, outcome);
            ps.setObject(9, httpStatus, java.sql.Types.INTEGER);
            ps.setString(10, errorMessage);
            ps.setString(11, u.requestId);
            ps.setObject(12, u.firstTokenMs, java.sql.Types.INTEGER);
            ps.setObject(13, u.totalMs, java.sql.Types.INTEGER);
            ps.setObject(14, u.promptTokens, java.sql.Types.INTEGER);
            ps.setObject(15, u.completionTokens, java.sql.Types.INTEGER);
            ps.setObject(16, u.cacheHitTokens, java.sql.Types.INTEGER);
            ps.setObject(17, u.cacheMissTokens, java.sql.Types.INTEGER);
            ps.setObject(18, reasoningTokens, java.sql.Types.INTEGER);
            ps.setBigDecimal(19, cost);
            ps.setObject(20, createdAt);
            ps.executeUpdate();
        }
    }

    /** Never null (Hibernate leaves an embedded value null when all its columns are). */
    public Usage usage() {
        return usage != null ? usage : new Usage();
    }
}
