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

    /** Batch answers (model turns) in flight at once on each instance; the providers' bulkheads and the model budget apply as well. */
    @WithDefault("4")
    int batchConcurrency();

    /** How long an instance holds a claimed batch item; after that (the instance died) another takes it. */
    @WithDefault("2m")
    Duration batchLease();

    /** How often an idle instance looks for batch work. */
    @WithDefault("2s")
    Duration batchPoll();

    /** Items a batch may hold. */
    @WithDefault("100000")
    int batchMaxItems();

    /**
     * A finished or cancelled batch (its items' texts and results) is deleted this long after it
     * ended: the texts are customers' words, kept only as long as the caller needs to fetch results.
     */
    @WithDefault("30d")
    Duration batchRetention();
}
