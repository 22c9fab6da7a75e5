package io.parley.answer;

import io.parley.answer.Usage;

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

    /** A model answer whose accounting is unknown (the stream failed, or the server stopped, before usage came). */
    public static CallStats unaccounted() {
        return new CallStats("model", null, null, null, null, null, null, null, null, null, null);
    }

    /** The stats of a cached answer: who produced it originally, at no cost now. */
    public CallStats replayed(Integer firstTokenMs, Integer totalMs) {
        return new CallStats("cache", provider, model, requestId, null, null, null, null, null, firstTokenMs, totalMs);
    }

    /** An offline answer made from a knowledge-base article ({@code source: kb}). */
    public static CallStats knowledge(Integer firstTokenMs, Integer totalMs) {
        return new CallStats("kb", "offline", "knowledge", null, null, null, null, null, null, firstTokenMs, totalMs);
    }

    public static CallStats offline(Integer firstTokenMs, Integer totalMs) {
        return new CallStats("offline", "offline", "rules", null, null, null, null, null, null, firstTokenMs, totalMs);
    }
}
