package io.parley.compliance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the anomaly rules over the audit trail and the model attempts every minute. A finding is stored
 * once per rule, subject and window (whichever instance finds it first), counted in
 * {@code parley_anomalies_total{rule}}, audited, and listed to admins ({@code GET /api/anomalies}).
 */
@ApplicationScoped
@Startup // its counters exist (at 0) from the start, so that increase() sees the first anomaly
public class Anomalies {

    private static final Logger LOG = Logger.getLogger(Anomalies.class);

    /** The rules' settings as values, so that a test can run them with its own. */
    public record Thresholds(Set<AnomalyRule> enabled, int failedSignIns, int heavyReaderMin, double heavyReaderFactor,
                             Duration heavyWindow, double modelErrorRatio, int modelErrorMinCalls, double costFactor,
                             double costMin, Duration window, Duration baseline) {

        static Thresholds of(ComplianceConfig.Anomalies a) {
            Set<AnomalyRule> on = EnumSet.noneOf(AnomalyRule.class);
            if (a.failedSignInsEnabled()) on.add(AnomalyRule.FAILED_SIGN_INS);
            if (a.heavyReaderEnabled()) on.add(AnomalyRule.HEAVY_READER);
            if (a.newAdminAddressEnabled()) on.add(AnomalyRule.NEW_ADMIN_ADDRESS);
            if (a.modelErrorsEnabled()) on.add(AnomalyRule.MODEL_ERRORS);
            if (a.costEnabled()) on.add(AnomalyRule.MODEL_COST);
            return new Thresholds(on, a.failedSignIns(), a.heavyReaderMin(), a.heavyReaderFactor(), a.heavyWindow(),
                    a.modelErrorRatio(), a.modelErrorMinCalls(), a.costFactor(), a.costMin(), a.window(), a.baseline());
        }
    }

    /** One finding before it is stored. */
    record Finding(AnomalyRule rule, String subject, String detail, double observed, double threshold, Instant windowStart) {
    }

    private final DataSource db;
    private final AuditTrail audit;
    private final ComplianceConfig config;
    private final Map<AnomalyRule, Counter> counters = new EnumMap<>(AnomalyRule.class);

    Anomalies(DataSource db, AuditTrail audit, ComplianceConfig config, MeterRegistry metrics) {
        this.db = db;
        this.audit = audit;
        this.config = config;
        for (AnomalyRule rule : AnomalyRule.values()) {
            counters.put(rule, Counter.builder("parley.anomalies").description("Anomalies found by the audit rules")
                    .tag("rule", rule.wire()).register(metrics));
        }
    }

    @Scheduled(every = "${parley.compliance.anomalies.every:1m}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        detect(Thresholds.of(config.anomalies()), Instant.now());
    }

    /** Runs the enabled rules as of {@code now}; returns the findings that were new (stored by this call). */
    public List<Finding> detect(Thresholds t, Instant now) {
        List<Finding> found = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            AnomalySql sql = new AnomalySql(c, t, now);
            if (t.enabled().contains(AnomalyRule.FAILED_SIGN_INS)) found.addAll(sql.failedSignIns());
            if (t.enabled().contains(AnomalyRule.HEAVY_READER)) found.addAll(sql.heavyReaders());
            if (t.enabled().contains(AnomalyRule.NEW_ADMIN_ADDRESS)) found.addAll(sql.newAdminAddresses());
            if (t.enabled().contains(AnomalyRule.MODEL_ERRORS)) found.addAll(sql.modelErrors());
            if (t.enabled().contains(AnomalyRule.MODEL_COST)) found.addAll(sql.modelCost());
            List<Finding> stored = new ArrayList<>();
            for (Finding f : found) {
                if (store(c, f)) {
                    stored.add(f);
                    counters.get(f.rule()).increment();
                    LOG.warnf("anomaly %s: %s", f.rule().wire(), f.detail());
                    audit.record(new AuditEntry("system", null, AuditAction.ANOMALY, f.subject(), AuditOutcome.OK,
                            Map.of("rule", f.rule().wire(), "observed", f.observed(), "threshold", f.threshold())));
                }
            }
            return stored;
        } catch (SQLException e) {
            LOG.errorf("anomaly rules not run: %s", e.getMessage());
            return List.of();
        }
    }

    private static boolean store(Connection c, Finding f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into anomaly (rule, subject, detail, observed, threshold, window_start)"
                + " values (?, ?, ?, ?, ?, ?) on conflict do nothing")) {
            ps.setString(1, f.rule().wire());
            ps.setString(2, f.subject());
            ps.setString(3, f.detail());
            ps.setDouble(4, f.observed());
            ps.setDouble(5, f.threshold());
            ps.setTimestamp(6, Timestamp.from(f.windowStart()));
            return ps.executeUpdate() == 1;
        }
    }

    /** Stored anomalies, newest first. */
    public List<Map<String, Object>> recent(int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select id, rule, subject, detail, observed, threshold, at from anomaly order by id desc limit ?")) {
            ps.setInt(1, Math.max(1, Math.min(limit, 500)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Map.of("id", rs.getLong(1), "rule", rs.getString(2), "subject", rs.getString(3), "detail", rs.getString(4),
                            "observed", rs.getDouble(5), "threshold", rs.getDouble(6), "at", rs.getTimestamp(7).toInstant().toString()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("anomalies not read: " + e.getMessage(), e);
        }
        return out;
    }
}
