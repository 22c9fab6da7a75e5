package io.parley.llm;

import io.parley.answer.EntityValue;
import io.parley.answer.StructuredAnswer;
import io.parley.answer.CallStats;
import io.parley.offline.OfflineEngine;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import jakarta.enterprise.context.ApplicationScoped;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Recent model answers to opening questions, keyed by tier and normalized question. Bounded and
 * expiring (Quarkus cache: {@code quarkus.cache.caffeine."parley-answers".*}). Only a conversation's
 * first question may be served from it: later questions depend on their context.
 *
 * <p>Only a trustworthy, impersonal answer is ever kept ({@link #cacheable}): a complete, validated,
 * confident model answer (the whole JSON object, {@code finish_reason: stop}, a configured intent
 * chosen by the model), with none of the customer's own details in the question or the answer.
 */
@ApplicationScoped
public class AnswerCache {

    public record Cached(StructuredAnswer answer, CallStats stats) {

        /** The kept answer as a turn's events: its head, its whole text, its end (accounted as served from the cache). */
        io.smallrye.mutiny.Multi<io.parley.answer.AnswerEvent> replay() {
            CallStats replayed = stats.replayed(0, 0);
            return io.smallrye.mutiny.Multi.createFrom().items(new io.parley.answer.AnswerEvent.Head(answer.intent(), answer.confidence(), answer.entities()),
                    new io.parley.answer.AnswerEvent.Text(answer.answer()), new io.parley.answer.AnswerEvent.Done(answer, replayed));
        }
    }

    private final CaffeineCache cache;
    private final LlmConfig.CacheRules rules;
    private final Set<String> intents;
    private final Set<String> personal;
    private final OfflineEngine offline;

    AnswerCache(@CacheName("parley-answers") Cache cache, LlmConfig config, OfflineEngine offline) {
        this.cache = cache.as(CaffeineCache.class);
        this.rules = config.cache();
        this.intents = Set.copyOf(config.intents());
        this.personal = Set.copyOf(config.cache().personalEntityTypes());
        this.offline = offline;
    }

    /** Keeps the answer if it may be replayed to anyone asking the same opening question; says whether it did. */
    public boolean putIfCacheable(String tier, String question, String locale, Cached answer) {
        if (!cacheable(question, locale, answer.answer())) {
            return false;
        }
        put(tier, question, answer);
        return true;
    }

    /**
     * A complete answer from the model (not partial, plain, truncated or filtered), its intent one of the
     * configured ones other than {@code other} and chosen by the model with at least the configured
     * confidence, and nothing personal: no entity of a personal type in the answer, none found by the
     * offline rules in the question, and no entity value repeated in the answer text.
     */
    boolean cacheable(String question, String locale, StructuredAnswer a) {
        if (a.form() != StructuredAnswer.Form.STRUCTURED || a.intentSource() != null
                || (a.finishReason() != null && !a.finishReason().equals("stop"))) {
            return false;
        }
        if (!intents.contains(a.intent()) || AnswerRules.OTHER.equals(a.intent()) || a.confidence() < rules.minConfidence()) {
            return false;
        }
        if (personal(a.entities())) {
            return false;
        }
        List<EntityValue> inQuestion = offline.answer(question, locale).entities();
        if (personal(inQuestion)) {
            return false;
        }
        for (EntityValue e : a.entities()) {
            if (a.answer().contains(e.value())) {
                return false; // the answer repeats something the customer said
            }
        }
        return true;
    }

    private boolean personal(List<EntityValue> entities) {
        return entities.stream().anyMatch(e -> personal.contains(e.type()));
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

    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern TRAILING = Pattern.compile("[\\p{Punct}\\s。？！，、～]+$");

    /** Case, width, spacing and trailing punctuation do not make a different question. */
    static String normalize(String question) {
        String s = Normalizer.normalize(question, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).strip();
        s = SPACES.matcher(s).replaceAll(" ");
        return TRAILING.matcher(s).replaceAll("");
    }

    private static String key(String tier, String question) {
        return tier + "\u0000" + normalize(question);
    }
}
