package io.parley.integration.batch;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.integration.IntegrationConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;

/**
 * Deletes batches that ended more than {@code parley.integration.batch-retention} ago, items and
 * results with them, and records the count in the audit trail. Running batches are never touched.
 */
@ApplicationScoped
public class BatchRetention {

    private final BatchStore store;
    private final AuditTrail audit;
    private final IntegrationConfig config;

    BatchRetention(BatchStore store, AuditTrail audit, IntegrationConfig config) {
        this.store = store;
        this.audit = audit;
        this.config = config;
    }

    @Scheduled(every = "${parley.compliance.prune-every:1h}", delayed = "${parley.compliance.prune-delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        prune(Instant.now().minus(config.batchRetention()));
    }

    /** Deletes the batches that ended before {@code cutoff}; returns how many. */
    public int prune(Instant cutoff) {
        int deleted = store.deleteEndedBefore(cutoff);
        audit.record(new AuditEntry("system", null, AuditAction.RETENTION, "batch_job", AuditOutcome.OK,
                Map.of("before", cutoff.toString(), "deleted", deleted)));
        return deleted;
    }
}
