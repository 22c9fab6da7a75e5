package io.parley.llm;

import io.parley.answer.Usage;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
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

/** One model attempt as operators read it back (written from a {@link io.parley.answer.ModelAttempt}): see {@link Accounting}. */
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
    /** The provider's finish_reason: stop, length, content_filter (V7). */
    @Column(name = "finish_reason")
    public String finishReason;
    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** Never null (Hibernate leaves an embedded value null when all its columns are). */
    public Usage usage() {
        return usage != null ? usage : new Usage();
    }
}
