package io.parley.answer;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * What one model answer cost and how long it took, as stored on the answer ({@code message}) and on
 * each model attempt ({@code llm_call}): the same columns in both tables.
 */
@Embeddable
public class Usage {

    @Column(name = "prompt_tokens")
    public Integer promptTokens;
    @Column(name = "completion_tokens")
    public Integer completionTokens;
    /** Prompt tokens served from the provider's prompt cache. */
    @Column(name = "cache_hit_tokens")
    public Integer cacheHitTokens;
    @Column(name = "cache_miss_tokens")
    public Integer cacheMissTokens;
    @Column(name = "first_token_ms")
    public Integer firstTokenMs;
    @Column(name = "total_ms")
    public Integer totalMs;
    /** The provider's id for the request, to trace an answer back. */
    @Column(name = "request_id")
    public String requestId;
}
