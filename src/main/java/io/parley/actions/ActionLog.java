package io.parley.actions;

import io.micrometer.core.instrument.Counter;
import io.parley.audit.AuditAction;
import io.parley.audit.AuditEntry;
import io.parley.audit.AuditOutcome;
import io.parley.audit.AuditTrail;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every action call: counted in metrics at once, and stored (off the event loop, again with backoff
 * while the database is away) for the conversation's transcript.
 */
@ApplicationScoped
public class ActionLog {

    private static final Logger LOG = Logger.getLogger(ActionLog.class);

    /** One stored call, as the console's transcript shows it. */
    public record Call(String turn, String action, String arguments, String outcome, Integer httpStatus, int durationMs,
                       String summary, boolean changes, OffsetDateTime at) {
    }

    private final DataSource db;
    private final MeterRegistry metrics;
    private final AuditTrail audit;

    ActionLog(DataSource db, MeterRegistry metrics, AuditTrail audit) {
        this.db = db;
        this.metrics = metrics;
        this.audit = audit;
    }

    public void record(UUID conversationId, String turn, Action action, ActionResult r) {
        Counter.builder("parley.actions.calls").description("Action calls by action and outcome")
                .tags("action", r.action(), "outcome", r.outcome().wire()).register(metrics).increment();
        if (r.outcome() != Outcome.REJECTED) {
            Timer.builder("parley.actions.duration").description("Time an action took, to its result or failure")
                    .tags("action", r.action()).register(metrics).record(Duration.ofMillis(r.durationMs()));
        }
        LOG.infof("request_id=%s conversation=%s action=%s outcome=%s http_status=%d duration_ms=%d", turn, conversationId,
                r.action(), r.outcome().wire(), r.httpStatus(), r.durationMs());
        boolean changes = action != null && action.changes();
        // the audit trail: what the bot did in the business's systems (a change only ever after the customer's yes)
        audit.recordLater(new AuditEntry(changes ? "customer" : "system", null, AuditAction.ACTION_CALL, String.valueOf(conversationId),
                r.ok() ? AuditOutcome.OK : r.outcome() == Outcome.REJECTED ? AuditOutcome.DENIED : AuditOutcome.FAILED,
                Map.of("action", r.action(), "outcome", r.outcome().wire(), "http_status", r.httpStatus(), "duration_ms", r.durationMs(),
                        "changes", changes, "turn", turn)));
        Uni.createFrom().item(() -> {
                    insert(conversationId, turn, r, changes);
                    return r;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(8)).atMost(6)
                .subscribe().with(ok -> {
                }, e -> LOG.warnf("request_id=%s action call not stored: %s", turn, e.getMessage()));
    }

    private void insert(UUID conversationId, String turn, ActionResult r, boolean changes) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "insert into action_call (conversation_id, turn, action, arguments, outcome, http_status, duration_ms, summary, changes)"
                        + " values (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)")) {
            s.setObject(1, conversationId);
            s.setString(2, turn);
            s.setString(3, r.action());
            s.setString(4, r.arguments() == null || !r.arguments().isObject() ? "{}" : r.arguments().toString());
            s.setString(5, r.outcome().wire());
            if (r.httpStatus() > 0) {
                s.setInt(6, r.httpStatus());
            } else {
                s.setNull(6, Types.INTEGER);
            }
            s.setInt(7, r.durationMs());
            s.setString(8, r.summary());
            s.setBoolean(9, changes);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The conversation's calls, oldest first (at most the latest 500). */
    public List<Call> of(UUID conversationId) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select * from (select turn, action, arguments::text, outcome, http_status, duration_ms, summary, changes, at, id"
                        + " from action_call where conversation_id = ? order by id desc limit 500) t order by id")) {
            s.setObject(1, conversationId);
            List<Call> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    int status = rs.getInt(5);
                    out.add(new Call(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.wasNull() ? null : status,
                            rs.getInt(6), rs.getString(7), rs.getBoolean(8), rs.getObject(9, OffsetDateTime.class)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
