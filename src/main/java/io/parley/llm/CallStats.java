package io.parley.llm;

/**
 * How one answer was produced: engine, provider, model, the provider's request id, token usage
 * (prompt-cache hits and misses included) and timings. Fields are null when unknown.
 */
public record CallStats(String source, String provider, String model, String requestId,
                        Integer promptTokens, Integer completionTokens, Integer cacheHitTokens,
                        Integer cacheMissTokens, Integer reasoningTokens, Integer firstTokenMs, Integer totalMs) {

    public static CallStats offline(Integer firstTokenMs, Integer totalMs) {
        return new CallStats("offline", "offline", "rules", null, null, null, null, null, null, firstTokenMs, totalMs);
    }
}
