package io.parley.compliance;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    Retention retention();

    /** Conversations are kept until configured otherwise: no age, no deletion. */
    interface Retention {
        /**
         * Age (since the last activity) after which a conversation in a status goes, per status:
         * {@code parley.compliance.retention.max-age.resolved=365d}. Statuses not listed are kept.
         */
        Map<String, Duration> maxAge();

        /** What happens to it: {@code anonymise} (content erased, costs and dates kept) or {@code delete}. */
        @WithDefault("anonymise")
        Mode mode();
    }

    enum Mode {
        anonymise, delete
    }
}
