package io.parley.llm;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model provider (DeepSeek, SiliconFlow, ...): its kept-alive client and its guard, which holds
 * the provider's retry policy, circuit breaker and bulkhead (SmallRye Fault Tolerance).
 */
public final class Provider {

    private final String name;
    private final DeepSeekClient client;
    private final Guard guard;
    private final boolean enabled;
    private final LlmConfig.ResponseFormat responseFormat;
    private final String region;
    private final AtomicInteger activeStreams = new AtomicInteger();

    Provider(String name, DeepSeekClient client, Guard guard, boolean enabled, LlmConfig.ResponseFormat responseFormat,
             String region) {
        this.name = name;
        this.region = region;
        this.client = client;
        this.guard = guard;
        this.enabled = enabled;
        this.responseFormat = responseFormat;
    }

    /** How this provider is asked for JSON (until one of its models refuses it: see {@link ModelRouter}). */
    LlmConfig.ResponseFormat responseFormat() {
        return responseFormat;
    }

    public String name() {
        return name;
    }

    /** Where the data sent to this provider goes ({@code parley.llm.region}, {@code parley.llm.providers.<name>.region}); null: not tagged. */
    public String region() {
        return region;
    }

    DeepSeekClient client() {
        return client;
    }

    Guard guard() {
        return guard;
    }

    /** Has an API key: without one, links to this provider are skipped. */
    public boolean enabled() {
        return enabled;
    }

    public String circuitName() {
        return circuitName(name);
    }

    static String circuitName(String provider) {
        return "llm-" + provider;
    }

    public CircuitBreakerState circuitState() {
        return CircuitBreakerMaintenance.get().currentState(circuitName());
    }

    AtomicInteger activeStreams() {
        return activeStreams;
    }
}
