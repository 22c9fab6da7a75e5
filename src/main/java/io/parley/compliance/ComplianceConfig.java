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

    /** How often the audit pruning runs (a Quarkus scheduler period; {@code off} disables it). */
    @WithDefault("1h")
    String pruneEvery();

    /** How long after start the pruning and retention jobs first run. */
    @WithDefault("5m")
    String pruneDelay();

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

        /** How often the retention job runs. */
        @WithDefault("1h")
        String every();
    }

    Anomalies anomalies();

    /** The anomaly rules (README, Security and compliance); each can be switched off. */
    interface Anomalies {
        /** How often the rules run ({@code off}: never). */
        @WithDefault("1m")
        String every();

        /** Failed sign-ins from one address within {@code window} that raise an alert. */
        @WithDefault("20")
        int failedSignIns();

        @WithDefault("true")
        boolean failedSignInsEnabled();

        /** An agent's transcript views and exports within {@code heavy-window}, at least this many... */
        @WithDefault("100")
        int heavyReaderMin();

        /** ...and this many times their hourly average over {@code baseline}. */
        @WithDefault("5")
        double heavyReaderFactor();

        @WithDefault("1h")
        Duration heavyWindow();

        @WithDefault("true")
        boolean heavyReaderEnabled();

        /** An admin signing in from an address not used by them within {@code baseline}. */
        @WithDefault("true")
        boolean newAdminAddressEnabled();

        /** Share of failed model attempts per provider within {@code window}... */
        @WithDefault("0.5")
        double modelErrorRatio();

        /** ...over at least this many attempts. */
        @WithDefault("20")
        int modelErrorMinCalls();

        @WithDefault("true")
        boolean modelErrorsEnabled();

        /** Model cost of the last hour above this many times the hourly average over {@code baseline}... */
        @WithDefault("3")
        double costFactor();

        /** ...and above this amount (in parley.llm.currency). */
        @WithDefault("1")
        double costMin();

        @WithDefault("true")
        boolean costEnabled();

        /** The short window of the sign-in, new-address and model-error rules. */
        @WithDefault("10m")
        Duration window();

        /** What "usual" is measured over. */
        @WithDefault("14d")
        Duration baseline();
    }

    enum Mode {
        anonymise, delete
    }
}
