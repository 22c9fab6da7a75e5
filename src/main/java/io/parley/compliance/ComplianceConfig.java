package io.parley.compliance;

import io.smallrye.config.ConfigMapping;

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
}
