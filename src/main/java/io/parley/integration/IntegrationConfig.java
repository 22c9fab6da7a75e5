package io.parley.integration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** REST, gRPC and batch channels ({@code parley.integration.*}). */
@ConfigMapping(prefix = "parley.integration")
public interface IntegrationConfig {

    /** A REST, SSE or gRPC turn that gets no frame for this long ends with {@code model_unavailable} (the answer is kept if it comes). */
    @WithDefault("90s")
    Duration turnIdleTimeout();
}
