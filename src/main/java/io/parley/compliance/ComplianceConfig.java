package io.parley.compliance;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Data residency, retention of conversations and anomaly rules (README, Security and compliance). */
@ConfigMapping(prefix = "parley.compliance")
public interface ComplianceConfig {

    /**
     * Regions customer text may be sent to (such as {@code eu,cn}); a tier linking to a provider of
     * another region, or of none, stops the start. Unset: no restriction.
     */
    Optional<List<String>> allowedRegions();

    /** How long audit entries are kept before the hourly job prunes them; at least 180 days (the guide's minimum). */
    @WithDefault("180d")
    Duration auditRetention();
}
