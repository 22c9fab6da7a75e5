package io.parley.llm;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Says how answers are produced, without calling the provider (a health probe must not spend tokens).
 * Offline mode is a working mode, so this check is always UP.
 */
@Readiness
@ApplicationScoped
public class ModelHealthCheck implements HealthCheck {

    private final LlmConfig config;

    ModelHealthCheck(LlmConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("answers").up()
                .withData("mode", config.enabled() ? "model" : "offline")
                .withData("provider", config.provider())
                .withData("model", config.model())
                .withData("baseUrl", config.baseUrl())
                .build();
    }
}
