package io.parley.llm;

import io.parley.conversation.Usage;

/**
 * How one answer was produced: engine, provider, model, the provider's request id, token usage
 * (prompt-cache hits and misses included) and timings. Fields are null when unknown.
 */
public record CallStats(String source, String provider, String model, String requestId,
                        Integer promptTokens, Integer completionTokens, Integer cacheHitTokens,
                        Integer cacheMissTokens, Integer reasoningTokens, Integer firstTokenMs, Integer totalMs) {

    /** As stored with the answer and on the attempt's row. */
    public Usage usage() {
        Usage u = new Usage();
        u.promptTokens = promptTokens;
        u.completionTokens = completionTokens;
        u.cacheHitTokens = cacheHitTokens;
        u.cacheMissTokens = cacheMissTokens;
        u.firstTokenMs = firstTokenMs;
        u.totalMs = totalMs;
        u.requestId = requestId;
        return u;
    }

    public static CallStats offline(Integer firstTokenMs, Integer totalMs) {
        return new CallStats("offline", "offline", "rules", null, null, null, null, null, null, firstTokenMs, totalMs);
    }
}
