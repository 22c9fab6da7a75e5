package io.parley.compliance;

import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.parley.conversation.ConversationStatus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Conversations older than their status's {@code parley.compliance.retention.max-age} are anonymised
 * or deleted, in batches, and the counts are audited (one entry per status and run). Off until an age
 * is configured.
 */
@ApplicationScoped
public class ConversationRetention {

    private static final int BATCH = 500;
    /** Batches per status and run: a large backlog is worked off over several runs, never in one long transaction. */
    private static final int MAX_BATCHES = 20;

    private final DataSource db;
    private final CustomerData data;
    private final AuditTrail audit;
    private final ComplianceConfig config;

    ConversationRetention(DataSource db, CustomerData data, AuditTrail audit, ComplianceConfig config) {
        this.db = db;
        this.data = data;
        this.audit = audit;
        this.config = config;
    }

    void check(@Observes StartupEvent start) {
        rules(); // an unknown status stops the start with its name
    }

    @Scheduled(every = "${parley.compliance.retention.every:1h}", delayed = "${parley.compliance.prune-delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.retention().maxAge().isEmpty()) {
            apply(rules(), config.retention().mode(), Instant.now());
        }
    }

    /** Applies the rules as of {@code now}; returns what went, per status. */
    public Map<ConversationStatus, CustomerData.Counts> apply(Map<ConversationStatus, Duration> rules, ComplianceConfig.Mode mode, Instant now) {
        Map<ConversationStatus, CustomerData.Counts> done = new LinkedHashMap<>();
        rules.forEach((status, age) -> {
            Instant cutoff = now.minus(age);
            CustomerData.Counts total = new CustomerData.Counts(0, 0, 0, 0, 0);
            for (int batch = 0; batch < MAX_BATCHES; batch++) {
                List<UUID> ids = older(status, cutoff, mode);
                if (ids.isEmpty()) {
                    break;
                }
                CustomerData.Counts c = mode == ComplianceConfig.Mode.delete ? data.delete(ids) : data.anonymise(ids);
                total = new CustomerData.Counts(total.conversations() + c.conversations(), total.messages() + c.messages(),
                        total.notes() + c.notes(), total.events() + c.events(), total.modelCalls() + c.modelCalls());
                if (ids.size() < BATCH) {
                    break;
                }
            }
            audit.record(new AuditEntry("system", null, AuditAction.RETENTION, "conversation", AuditOutcome.OK,
                    Map.of("status", status.wire(), "mode", mode.name(), "maxAge", age.toString(), "counts", total.asMap())));
            done.put(status, total);
        });
        return done;
    }

    /** The next batch; anonymising skips conversations already anonymised. */
    private List<UUID> older(ConversationStatus status, Instant cutoff, ComplianceConfig.Mode mode) {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select id from conversation where status = ? and updated_at < ?"
                        + (mode == ComplianceConfig.Mode.anonymise ? " and token_hash not like 'erased:%'" : "") + " limit " + BATCH)) {
            ps.setString(1, status.wire());
            ps.setTimestamp(2, Timestamp.from(cutoff));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("conversations for retention not read: " + e.getMessage(), e);
        }
        return ids;
    }

    private Map<ConversationStatus, Duration> rules() {
        Map<ConversationStatus, Duration> rules = new EnumMap<>(ConversationStatus.class);
        config.retention().maxAge().forEach((status, age) -> {
            try {
                rules.put(ConversationStatus.of(status), age);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("parley.compliance.retention.max-age." + status
                        + ": not a conversation status (bot, waiting_agent, agent, resolved, closed)");
            }
        });
        return rules;
    }
}
