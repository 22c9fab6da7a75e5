package io.parley.compliance;

import io.parley.compliance.Anomalies.Finding;
import io.parley.compliance.Anomalies.Thresholds;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The rules' queries, each over a window ending now and, where "usual" matters, a baseline before it. */
final class AnomalySql {

    /** Actors that are not people with a console. */
    private static final String NOT_STAFF = "('anonymous', 'customer', 'system')";

    private final Connection c;
    private final Thresholds t;
    private final Instant now;

    AnomalySql(Connection c, Thresholds t, Instant now) {
        this.c = c;
        this.t = t;
        this.now = now;
    }

    /** The start of the fixed window {@code now} falls in: one finding per subject and window. */
    private Instant bucket(Duration window) {
        long w = Math.max(1, window.toMillis());
        return Instant.ofEpochMilli(now.toEpochMilli() / w * w);
    }

    private Timestamp ago(Duration d) {
        return Timestamp.from(now.minus(d));
    }

    List<Finding> failedSignIns() throws SQLException {
        List<Finding> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select coalesce(address, 'unknown'), count(*) from audit_log"
                + " where action = 'sign_in_failed' and at >= ? and at <= ? group by 1 having count(*) >= ?")) {
            ps.setTimestamp(1, ago(t.window()));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, t.failedSignIns());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Finding(AnomalyRule.FAILED_SIGN_INS, rs.getString(1), rs.getLong(2) + " failed sign-ins from "
                            + rs.getString(1) + " within " + t.window().toMinutes() + " min", rs.getLong(2), t.failedSignIns(),
                            bucket(t.window())));
                }
            }
        }
        return out;
    }

    List<Finding> heavyReaders() throws SQLException {
        double hours = Math.max(1, t.baseline().toHours());
        double windowHours = t.heavyWindow().toMillis() / 3_600_000.0;
        List<Finding> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                with recent as (select actor, count(*) n from audit_log where action in ('transcript_view', 'export')
                                and at >= ? and at <= ? and actor not in %s group by actor),
                     usual as (select actor, count(*) n from audit_log where action in ('transcript_view', 'export')
                                and at >= ? and at < ? group by actor)
                select r.actor, r.n, greatest(?, ? * coalesce(u.n, 0) / ? * ?) threshold
                from recent r left join usual u using (actor)""".formatted(NOT_STAFF))) {
            ps.setTimestamp(1, ago(t.heavyWindow()));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, ago(t.baseline()));
            ps.setTimestamp(4, ago(t.heavyWindow()));
            ps.setDouble(5, t.heavyReaderMin());
            ps.setDouble(6, t.heavyReaderFactor());
            ps.setDouble(7, hours);
            ps.setDouble(8, windowHours);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(2) >= rs.getDouble(3)) {
                        out.add(new Finding(AnomalyRule.HEAVY_READER, rs.getString(1), rs.getString(1) + " viewed or exported "
                                + rs.getLong(2) + " conversations within " + t.heavyWindow().toMinutes() + " min (usual at most "
                                + Math.round(rs.getDouble(3)) + ")", rs.getLong(2), rs.getDouble(3), bucket(t.heavyWindow())));
                    }
                }
            }
        }
        return out;
    }

    /** An admin's sign-in from an address they did not sign in from within the baseline (their very first sign-in aside). */
    List<Finding> newAdminAddresses() throws SQLException {
        List<Finding> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select s.actor, coalesce(s.address, 'unknown'), s.at from audit_log s
                join agent a on a.username = s.actor and a.role = 'admin'
                where s.action = 'sign_in' and s.at >= ? and s.at <= ?
                  and exists (select 1 from audit_log p where p.actor = s.actor and p.action = 'sign_in' and p.at < s.at and p.at >= ?)
                  and not exists (select 1 from audit_log p where p.actor = s.actor and p.action = 'sign_in'
                                  and p.address is not distinct from s.address and p.at < s.at and p.at >= ?)""")) {
            ps.setTimestamp(1, ago(t.window()));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, ago(t.baseline()));
            ps.setTimestamp(4, ago(t.baseline()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String subject = rs.getString(1) + " from " + rs.getString(2);
                    out.add(new Finding(AnomalyRule.NEW_ADMIN_ADDRESS, subject, "admin " + subject + ", an address not seen for them within "
                            + t.baseline().toDays() + " days", 1, 0, rs.getTimestamp(3).toInstant()));
                }
            }
        }
        return out;
    }

    List<Finding> modelErrors() throws SQLException {
        List<Finding> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select provider, count(*) filter (where outcome not in ('ok', 'cancelled')), count(*)"
                + " from llm_call where created_at >= ? and created_at <= ? group by provider having count(*) >= ?")) {
            ps.setTimestamp(1, ago(t.window()));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, t.modelErrorMinCalls());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double ratio = rs.getDouble(2) / rs.getDouble(3);
                    if (ratio >= t.modelErrorRatio()) {
                        out.add(new Finding(AnomalyRule.MODEL_ERRORS, rs.getString(1), rs.getLong(2) + " of " + rs.getLong(3)
                                + " model attempts to " + rs.getString(1) + " failed within " + t.window().toMinutes() + " min",
                                ratio, t.modelErrorRatio(), bucket(t.window())));
                    }
                }
            }
        }
        return out;
    }

    List<Finding> modelCost() throws SQLException {
        Duration hour = Duration.ofHours(1);
        double hours = Math.max(1, t.baseline().toHours() - 1);
        try (PreparedStatement ps = c.prepareStatement("select coalesce(sum(cost) filter (where created_at >= ?), 0),"
                + " coalesce(sum(cost) filter (where created_at < ?), 0) from llm_call where created_at >= ? and created_at <= ?")) {
            ps.setTimestamp(1, ago(hour));
            ps.setTimestamp(2, ago(hour));
            ps.setTimestamp(3, ago(t.baseline()));
            ps.setTimestamp(4, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double recent = rs.getDouble(1);
                double threshold = Math.max(t.costMin(), t.costFactor() * rs.getDouble(2) / hours);
                if (recent > threshold) {
                    return List.of(new Finding(AnomalyRule.MODEL_COST, "all", "model cost of the last hour " + String.format("%.2f", recent)
                            + " is above " + String.format("%.2f", threshold), recent, threshold, bucket(hour)));
                }
            }
        }
        return List.of();
    }
}
