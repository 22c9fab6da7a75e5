package io.parley.llm;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Locale;

/**
 * How answers are produced and each provider's circuit state, read without calling any provider
 * (a probe must not spend tokens). Always UP: with every circuit open, the offline engine answers.
 */
@Readiness
@ApplicationScoped
public class ModelHealthCheck implements HealthCheck {

    private final ProviderRegistry providers;
    private final ModelRouter router;
    private final LlmConfig config;

    ModelHealthCheck(ProviderRegistry providers, ModelRouter router, LlmConfig config) {
        this.providers = providers;
        this.router = router;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("answers").up()
                .withData("mode", config.enabled() ? "model" : "offline")
                .withData("tiers", String.join(", ", router.tiers().keySet()));
        for (Provider p : providers.all()) {
            b.withData("provider." + p.name(), p.enabled()
                    ? "circuit " + p.circuitState().name().toLowerCase(Locale.ROOT)
                    : "no api key");
        }
        return b.build();
    }
}
