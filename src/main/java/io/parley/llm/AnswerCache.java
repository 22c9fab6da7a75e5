package io.parley.llm;

import io.parley.answer.StructuredAnswer;
import io.parley.answer.CallStats;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import jakarta.enterprise.context.ApplicationScoped;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Recent model answers to opening questions, keyed by tier and normalized question. Bounded and
 * expiring (Quarkus cache: {@code quarkus.cache.caffeine."parley-answers".*}). Only a conversation's
 * first question may be served from it: later questions depend on their context.
 */
@ApplicationScoped
public class AnswerCache {

    public record Cached(StructuredAnswer answer, CallStats stats) {
    }

    private final CaffeineCache cache;

    AnswerCache(@CacheName("parley-answers") Cache cache) {
        this.cache = cache.as(CaffeineCache.class);
    }

    public Optional<Cached> get(String tier, String question) {
        CompletableFuture<Object> hit = cache.getIfPresent(key(tier, question));
        if (hit == null || !hit.isDone()) {
            return Optional.empty();
        }
        try {
            return Optional.of((Cached) hit.get());
        } catch (InterruptedException | ExecutionException e) {
            return Optional.empty();
        }
    }

    public void put(String tier, String question, Cached answer) {
        cache.put(key(tier, question), CompletableFuture.completedFuture(answer));
    }

    /** Case, width, spacing and trailing punctuation do not make a different question. */
    static String normalize(String question) {
        String s = Normalizer.normalize(question, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).strip();
        s = s.replaceAll("\\s+", " ");
        return s.replaceAll("[\\p{Punct}\\s。？！，、～]+$", "");
    }

    private static String key(String tier, String question) {
        return tier + "\u0000" + normalize(question);
    }
}
