package io.parley.privacy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** Personal data: masking before the model, sealing at rest and its keys ({@code parley.privacy.*}). */
@ConfigMapping(prefix = "parley.privacy")
public interface PrivacyConfig {

    /**
     * Personal details are replaced by placeholders before any request to a model provider (and put
     * back in the answer the customer sees). A tier may say otherwise: {@code parley.llm.tiers.NAME.mask-personal-data}.
     */
    @WithDefault("true")
    boolean maskBeforeModel();

    /**
     * Keys that seal personal details at rest, as {@code version:base64-of-32-bytes}, comma-separated
     * ({@code 1:...,2:...}). Unset: the keys of {@link #keyFile()} (generated on the first start). Never logged.
     */
    Optional<String> keys();

    /**
     * The key new writes use. Unset: the highest version. Set it to the old version while a new key is
     * being rolled out to every instance, then remove it (README, Privacy: key rotation).
     */
    OptionalInt activeKey();

    /** Where the keys are kept when {@link #keys()} is unset: one {@code version:base64} per line, owner-only. */
    @WithDefault("data/privacy-keys")
    String keyFile();

    /** How often the key file is read again and a batch of rows sealed under an older key is sealed again under the active one. */
    @WithDefault("1m")
    Duration resealEvery();

    /** Rows sealed again per run: bounded, so the job never holds many locks or much memory. */
    @WithDefault("500")
    int resealBatch();
}
