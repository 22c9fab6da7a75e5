package io.parley.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The configured providers, each with its client and its guard. The guard wraps one whole model
 * attempt (request to last chunk): the bulkhead therefore caps concurrent streams, the circuit
 * breaker counts failed streams, and the retry only ever sees failures that happened before any
 * answer text reached the customer (later failures are not retryable by construction).
 */
@ApplicationScoped
public class ProviderRegistry {

    private static final Logger LOG = Logger.getLogger(ProviderRegistry.class);

    private final Map<String, Provider> providers = new LinkedHashMap<>();

    ProviderRegistry(Vertx vertx, LlmConfig config, ObjectMapper json, MeterRegistry metrics) {
        add(config, vertx, json, metrics, config.provider(), config.baseUrl(), config.apiKey().orElse(""),
                config.maxConcurrent(), config.maxQueued(), config.responseFormat(), config.poolIdleTimeout(), config.region());
        config.providers().forEach((name, p) -> add(config, vertx, json, metrics, name, p.baseUrl(),
                p.apiKey().orElse(""), p.maxConcurrent(), p.maxQueued(), p.responseFormat(),
                p.poolIdleTimeout().orElse(config.poolIdleTimeout()), p.region()));
    }

    private void add(LlmConfig config, Vertx vertx, ObjectMapper json, MeterRegistry metrics, String name, String baseUrl,
                     String apiKey, int maxConcurrent, int maxQueued, LlmConfig.ResponseFormat responseFormat, Duration poolIdleTimeout,
                     Optional<String> region) {
        LlmConfig.RetryConfig retry = config.retry();
        LlmConfig.CircuitBreakerConfig cb = config.circuitBreaker();
        Guard guard = Guard.create()
                .withDescription("model provider " + name)
                .withRetry()
                    .maxRetries(retry.maxRetries())
                    .delay(retry.initialBackoff().toMillis(), ChronoUnit.MILLIS)
                    .jitter(0, ChronoUnit.MILLIS)
                    .maxDuration(config.totalTimeout().toMillis(), ChronoUnit.MILLIS)
                    .whenException(t -> t instanceof ProviderException p && p.kind().retryable
                            && (p.retryAfterMs() == null || p.retryAfterMs() <= retry.maxRetryAfter().toMillis()))
                    .withCustomBackoff().strategy(() -> new Backoff(retry)).done()
                    .done()
                .withCircuitBreaker()
                    .name(Provider.circuitName(name))
                    .requestVolumeThreshold(cb.requestVolume())
                    .failureRatio(cb.failureRatio())
                    .delay(cb.delay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(cb.successThreshold())
                    .skipOn(BulkheadException.class)
                    .onStateChange(state -> LOG.warnf("provider=%s circuit=%s", name, state))
                    .done()
                .withBulkhead()
                    .limit(maxConcurrent)
                    .queueSize(Math.max(1, maxQueued))
                    .done()
                .build();
        boolean enabled = apiKey != null && !apiKey.isBlank();
        Provider provider = new Provider(name, new DeepSeekClient(vertx, config, baseUrl, apiKey, poolIdleTimeout, json), guard, enabled,
                responseFormat, region.map(String::strip).filter(r -> !r.isEmpty()).orElse(null));
        providers.put(name, provider);
        Gauge.builder("parley.llm.active.streams", provider.activeStreams(), Number::doubleValue)
                .description("Model streams open now").tag("provider", name).register(metrics);
        // the guide's concurrency threshold (80 %) reads this ratio; at 1 further turns go to the next fallback link
        Gauge.builder("parley.concurrency.ratio", provider.activeStreams(), n -> n.doubleValue() / Math.max(1, maxConcurrent))
                .description("Use of a configured limit: open model streams / the provider's max-concurrent")
                .tags("limit", "llm_streams", "provider", name).register(metrics);
        Gauge.builder("parley.llm.circuit.state", provider, p -> switch (p.circuitState()) {
                    case CLOSED -> 0;
                    case HALF_OPEN -> 1;
                    case OPEN -> 2;
                }).description("Circuit breaker per provider: 0 closed, 1 half-open, 2 open")
                .tag("provider", name).register(metrics);
        FunctionCounter.builder("parley.llm.stale.connection.retries", provider.client(), DeepSeekClient::staleRetries)
                .description("Requests sent again on a fresh connection because their pooled one had been dropped while idle"
                        + " (not provider failures: not retried, not counted by the circuit breaker)")
                .tag("provider", name).register(metrics);
    }

    public Provider get(String name) {
        return providers.get(name);
    }

    public Collection<Provider> all() {
        return providers.values();
    }

    @PreDestroy
    void close() {
        providers.values().forEach(p -> p.client().close());
    }

    /** Exponential backoff with jitter; a provider's Retry-After wins when it sent one. */
    static final class Backoff implements CustomBackoffStrategy {
        private final LlmConfig.RetryConfig retry;
        private long initial;
        private int retries;

        Backoff(LlmConfig.RetryConfig retry) {
            this.retry = retry;
        }

        @Override
        public void init(long initialDelayInMillis) {
            this.initial = initialDelayInMillis;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            if (cause instanceof ProviderException p && p.retryAfterMs() != null) {
                retries++;
                return p.retryAfterMs();
            }
            long base = Math.min(retry.maxBackoff().toMillis(), initial << Math.min(retries++, 16));
            double spread = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * retry.jitter();
            return Math.max(0, (long) (base * spread));
        }
    }
}
