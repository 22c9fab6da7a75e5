package io.parley.offline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "parley.offline")
public interface OfflineConfig {

    String DEFAULT_MIN_CONFIDENCE = "0.3";

    /** A JSON rules file replacing the built-in {@code offline/rules.json} (intents, examples, templates). */
    Optional<String> rulesFile();

    /** Pause between streamed words, so that offline answers arrive the way model answers do. */
    @WithDefault("25ms")
    Duration streamDelay();

    /**
     * Below this probability the classifier's intent is not trusted: the answer falls back to the safe
     * intent (or to the intent an order or tracking number names) and keeps the low confidence.
     */
    @WithDefault(DEFAULT_MIN_CONFIDENCE)
    double minConfidence();
}
