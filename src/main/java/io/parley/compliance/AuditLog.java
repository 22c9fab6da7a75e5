package io.parley.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.audit.AuditAction;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Reads the audit trail for admins: filtered pages for the console, every matching entry as JSONL for export. */
@ApplicationScoped
public class AuditLog {

    public record Entry(long id, Instant at, String actor, String address, String action, String target, String outcome,
                        JsonNode details, String hash) {
    }

    /** Who, what and when to show; nulls match everything. {@code beforeId} pages backwards from the newest. */
    public record Filter(String actor, AuditAction action, Instant from, Instant to, Long beforeId) {
    }

    private final DataSource db;
    private final ObjectMapper json;

    AuditLog(DataSource db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    public List<Entry> page(Filter filter, int limit) {
        List<Entry> out = new ArrayList<>();
        query(filter, "order by id desc limit " + Math.max(1, Math.min(limit, 500)), out::add);
        return out;
    }

    /** Every matching entry, oldest first, one JSON object a line; read in pages, never held whole. */
    public void jsonl(Filter filter, OutputStream out) throws IOException {
        try {
            query(filter, "order by id", entry -> {
                try {
                    out.write(json.writeValueAsBytes(entry));
                    out.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the client went away
        }
    }

    private void query(Filter f, String tail, Consumer<Entry> sink) {
        StringBuilder sql = new StringBuilder("select id, at, actor, address, action, target, outcome, details::text, hash from audit_log where true");
        List<Object> params = new ArrayList<>();
        if (f.actor() != null && !f.actor().isBlank()) {
            sql.append(" and actor = ?");
            params.add(f.actor().strip());
        }
        if (f.action() != null) {
            sql.append(" and action = ?");
            params.add(f.action().wire());
        }
        if (f.from() != null) {
            sql.append(" and at >= ?");
            params.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            sql.append(" and at < ?");
            params.add(Timestamp.from(f.to()));
        }
        if (f.beforeId() != null) {
            sql.append(" and id < ?");
            params.add(f.beforeId());
        }
        sql.append(' ').append(tail);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            c.setAutoCommit(false); // fetch in pages
            ps.setFetchSize(500);
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), json.readTree(rs.getString(8)), rs.getString(9)));
                }
            }
            c.commit();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("audit trail not read: " + e.getMessage(), e);
        }
    }

    /** An action's wire name ({@code transcript_view}) to the enum; null for blank, an error for unknown names. */
    public static AuditAction action(String wire) {
        if (wire == null || wire.isBlank()) {
            return null;
        }
        return AuditAction.valueOf(wire.strip().toUpperCase(Locale.ROOT));
    }
}
