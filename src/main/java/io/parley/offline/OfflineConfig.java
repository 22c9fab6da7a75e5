package io.parley.offline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "parley.offline")
public interface OfflineConfig {

    /** A JSON rules file replacing the built-in {@code offline/rules.json} (intents, keywords, templates). */
    Optional<String> rulesFile();

    /** Pause between streamed words, so that offline answers arrive the way model answers do. */
    @WithDefault("25ms")
    Duration streamDelay();
}
