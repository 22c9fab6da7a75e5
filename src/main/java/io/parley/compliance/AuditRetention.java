package io.parley.compliance;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Prunes audit entries older than {@code parley.compliance.audit-retention} (at least 180 days), then
 * records that it did, with the count. The chain still verifies: the oldest kept entry is where
 * verification starts ({@link AuditTrail#verify()}).
 */
@ApplicationScoped
public class AuditRetention {

    static final Duration MINIMUM = Duration.ofDays(180);

    private final DataSource db;
    private final AuditTrail audit;
    private final ComplianceConfig config;

    AuditRetention(DataSource db, AuditTrail audit, ComplianceConfig config) {
        this.db = db;
        this.audit = audit;
        this.config = config;
    }

    /** The guide keeps audit logs at least 180 days: a shorter setting stops the start. */
    void check(@Observes StartupEvent start) {
        if (config.auditRetention().compareTo(MINIMUM) < 0) {
            throw new IllegalStateException("parley.compliance.audit-retention=" + config.auditRetention()
                    + " is shorter than the 180 days audit entries must be kept");
        }
    }

    @Scheduled(every = "${parley.compliance.prune-every:1h}", delayed = "${parley.compliance.prune-delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        prune(Instant.now().minus(config.auditRetention()));
    }

    /** Deletes the entries written before {@code cutoff} and records it; returns how many went. */
    public int prune(Instant cutoff) {
        int deleted;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local parley.audit_prune = 'on'"); // the one door through the table's append-only trigger
            }
            try (PreparedStatement ps = c.prepareStatement("delete from audit_log where at < ?")) {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                deleted = ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            audit.record(new AuditEntry("system", null, AuditAction.RETENTION, "audit_log", AuditOutcome.FAILED,
                    Map.of("before", cutoff.toString(), "error", String.valueOf(e.getSQLState()))));
            throw new IllegalStateException("audit entries not pruned: " + e.getMessage(), e);
        }
        audit.record(new AuditEntry("system", null, AuditAction.RETENTION, "audit_log", AuditOutcome.OK,
                Map.of("before", cutoff.toString(), "deleted", deleted)));
        return deleted;
    }
}
