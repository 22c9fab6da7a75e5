package io.parley.llm;

import io.parley.answer.ModelAttempt;
import io.parley.conversation.TurnStore;

import io.parley.answer.CallStats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Records every model attempt: a {@code llm_call} row (written off the event loop), Prometheus
 * metrics, and the cost from the configured price table (cache-hit input, cache-miss input, output).
 */
@ApplicationScoped
public class Accounting {

    private static final Logger LOG = Logger.getLogger(Accounting.class);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final LlmConfig config;
    private final MeterRegistry metrics;
    private final TurnStore turns;
    private final String promptVersion;

    Accounting(LlmConfig config, MeterRegistry metrics, TurnStore turns, PromptBuilder prompts) {
        this.config = config;
        this.metrics = metrics;
        this.turns = turns;
        this.promptVersion = prompts.version();
    }

    /** What one attempt was and how it ended ({@code error} null when it answered). */
    public record Attempt(UUID conversationId, String turn, long replyTo, String tier, String provider, String model,
                          int number, CallStats stats, ProviderException error, String finishReason) {

        public Attempt(UUID conversationId, String turn, long replyTo, String tier, String provider, String model,
                       int number, CallStats stats, ProviderException error) {
            this(conversationId, turn, replyTo, tier, provider, model, number, stats, error, null);
        }
    }

    /** Metrics now, and the row: written at once, off the event loop (see {@link #store}). */
    public void record(Attempt a) {
        store(account(a));
    }

    /**
     * Writes an attempt's row off the event loop, again with backoff for about half a minute when the
     * database is busy or away: every request made is billed, so every one keeps its row.
     */
    public void store(ModelAttempt row) {
        Uni.createFrom().item(() -> {
                    turns.recordAttempt(row);
                    return row;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(8)).atMost(6)
                .subscribe().with(ok -> {
                }, e -> LOG.warnf("request_id=%s could not store the model attempt row: %s", row.turn(), e.getMessage()));
    }

    /** Model requests this conversation has cost (its rows). */
    public long calls(UUID conversationId) {
        return turns.modelCalls(conversationId);
    }

    /** Counts a turn answered offline because its conversation spent its model budget. */
    public void overBudget() {
        Counter.builder("parley.llm.over.budget").description("Turns answered offline because their conversation spent its model budget")
                .register(metrics).increment();
    }

    /** Metrics now; the row is returned for the caller to store with the answer (one transaction fewer per turn). */
    public ModelAttempt account(Attempt a) {
        CallStats s = a.stats();
        String outcome = a.error() == null ? "ok" : a.error().kind().name().toLowerCase(Locale.ROOT);
        BigDecimal cost = cost(a.model(), s);
        Counter.builder("parley.llm.attempts").description("Model attempts by provider, model and outcome")
                .tags("provider", a.provider(), "model", a.model(), "outcome", outcome).register(metrics).increment();
        if (s != null && s.firstTokenMs() != null) {
            timer("parley.llm.first.token", "Time to the first answer token", a).record(Duration.ofMillis(s.firstTokenMs()));
        }
        if (s != null && s.totalMs() != null) {
            timer("parley.llm.duration", "Time from request to the end of the stream", a).record(Duration.ofMillis(s.totalMs()));
        }
        if (s != null) {
            tokens(a, "prompt_cache_hit", s.cacheHitTokens());
            tokens(a, "prompt_cache_miss", s.cacheMissTokens());
            tokens(a, "completion", s.completionTokens());
            tokens(a, "reasoning", s.reasoningTokens());
        }
        if (a.finishReason() != null && !"stop".equals(a.finishReason())) {
            // length (max_tokens cut the answer) and content_filter: the answer is stored incomplete
            Counter.builder("parley.llm.cut.answers").description("Answers the provider stopped early, by finish_reason")
                    .tags("provider", a.provider(), "model", a.model(), "finish_reason",
                            a.finishReason().equals("length") || a.finishReason().equals("content_filter") ? a.finishReason() : "other").register(metrics).increment();
        }
        if (cost != null) {
            Counter.builder("parley.llm.cost").description("Model cost from the price table").baseUnit(config.currency())
                    .tags("provider", a.provider(), "model", a.model()).register(metrics).increment(cost.doubleValue());
        }
        Integer httpStatus = a.error() == null ? Integer.valueOf(200) : a.error().status() == 0 ? null : a.error().status();
        return new ModelAttempt(a.conversationId(), a.turn(), a.replyTo(), a.tier(), a.provider(), a.model(), a.number(), outcome,
                httpStatus, a.error() == null ? null : a.error().getMessage(), s == null ? null : s.usage(),
                s == null ? null : s.reasoningTokens(), cost, OffsetDateTime.now(ZoneOffset.UTC), a.finishReason(), promptVersion);
    }

    /**
     * Counts a model answer that was not a whole JSON object (partial, plain text, truncated), by provider and
     * model: a rising rate says a model ignores JSON mode or its max_tokens is too small.
     */
    public void degradedAnswer(String provider, String model, String form) {
        Counter.builder("parley.llm.degraded.answers").description("Model answers that were not a whole JSON object, by form")
                .tags("provider", provider, "model", model, "form", form).register(metrics).increment();
    }

    /** Cost of one attempt, or null when the model has no price or no usage was reported. */
    BigDecimal cost(String model, CallStats s) {
        LlmConfig.PriceConfig price = config.prices().get(model);
        if (price == null || s == null || s.promptTokens() == null) {
            return null;
        }
        long hit = nz(s.cacheHitTokens());
        long miss = s.cacheMissTokens() != null ? s.cacheMissTokens() : Math.max(0, s.promptTokens() - hit);
        BigDecimal total = BigDecimal.valueOf(price.inputCacheHit()).multiply(BigDecimal.valueOf(hit))
                .add(BigDecimal.valueOf(price.inputCacheMiss()).multiply(BigDecimal.valueOf(miss)))
                .add(BigDecimal.valueOf(price.output()).multiply(BigDecimal.valueOf(nz(s.completionTokens()))));
        return total.divide(MILLION, MathContext.DECIMAL64);
    }

    /** Per-conversation totals, overall and per provider and model. */
    @Transactional
    public Map<String, Object> usage(UUID conversationId) {
        List<LlmCall> calls = LlmCall.list("conversationId = ?1 order by id", conversationId);
        Map<String, Object> totals = totals(calls);
        Map<String, List<LlmCall>> byModel = new LinkedHashMap<>();
        calls.forEach(c -> byModel.computeIfAbsent(c.provider + "|" + c.model, k -> new java.util.ArrayList<>()).add(c));
        List<Map<String, Object>> models = byModel.values().stream().map(list -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", list.get(0).provider);
            m.put("model", list.get(0).model);
            m.putAll(totals(list));
            return m;
        }).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("conversationId", conversationId.toString());
        out.put("currency", config.currency());
        out.putAll(totals);
        out.put("byModel", models);
        return out;
    }

    private static Map<String, Object> totals(List<LlmCall> calls) {
        long hit = calls.stream().mapToLong(c -> nz(c.usage().cacheHitTokens)).sum();
        long miss = calls.stream().mapToLong(c -> nz(c.usage().cacheMissTokens)).sum();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("attempts", calls.size());
        t.put("failedAttempts", calls.stream().filter(c -> !"ok".equals(c.outcome)).count());
        t.put("promptTokens", calls.stream().mapToLong(c -> nz(c.usage().promptTokens)).sum());
        t.put("completionTokens", calls.stream().mapToLong(c -> nz(c.usage().completionTokens)).sum());
        t.put("cacheHitTokens", hit);
        t.put("cacheMissTokens", miss);
        t.put("reasoningTokens", calls.stream().mapToLong(c -> nz(c.reasoningTokens)).sum());
        t.put("cacheHitRate", hit + miss == 0 ? null : (double) hit / (hit + miss));
        t.put("cost", calls.stream().map(c -> c.cost).filter(java.util.Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add));
        return t;
    }

    private Timer timer(String name, String description, Attempt a) {
        return Timer.builder(name).description(description).tags("provider", a.provider(), "model", a.model())
                .publishPercentileHistogram().register(metrics);
    }

    private void tokens(Attempt a, String kind, Integer count) {
        if (count != null && count > 0) {
            Counter.builder("parley.llm.tokens").description("Tokens by provider, model and kind")
                    .tags("provider", a.provider(), "model", a.model(), "kind", kind).register(metrics).increment(count);
        }
    }

    private static long nz(Integer v) {
        return v == null ? 0 : v;
    }
}
