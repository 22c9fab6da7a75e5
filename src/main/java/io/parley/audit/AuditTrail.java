package io.parley.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Appends entries to the hash-chained {@code audit_log} and verifies the chain. Writers take one
 * transaction-scoped advisory lock, so entries from every instance form a single chain: the previous
 * hash is read after the lock, in a fresh statement snapshot, and no two entries can claim the same
 * predecessor. The hash itself is computed by the database function {@code audit_entry_hash} (V11), the
 * one definition used by both writing and verifying.
 */
@ApplicationScoped
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    /** Advisory lock key serialising appends: "audit" in ASCII. */
    private static final long CHAIN_LOCK = 0x6175646974L;
    static final String GENESIS = "genesis";

    private final DataSource dataSource;
    private final ObjectMapper json;

    AuditTrail(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** Appends the entry and returns its id. Blocking: call from a worker thread. */
    public long record(AuditEntry entry) {
        String details;
        try {
            details = json.writeValueAsString(entry.details());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details are not JSON: " + e.getMessage(), e);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement lock = c.createStatement()) {
                lock.execute("select pg_advisory_xact_lock(" + CHAIN_LOCK + ")");
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into audit_log (at, actor, address, action, target, outcome, details, prev_hash, hash)
                    select e.at, e.actor, e.address, e.action, e.target, e.outcome, e.details, p.hash,
                           audit_entry_hash(p.hash, e.at, e.actor, e.address, e.action, e.target, e.outcome, e.details)
                    from (select date_trunc('microseconds', clock_timestamp()) at, ?::text actor, ?::text address,
                                 ?::text action, ?::text target, ?::text outcome, ?::jsonb details) e,
                         (select coalesce((select hash from audit_log order by id desc limit 1), ?) hash) p
                    returning id""")) {
                ps.setString(1, entry.actor());
                ps.setString(2, entry.address());
                ps.setString(3, entry.action().wire());
                ps.setString(4, entry.target());
                ps.setString(5, entry.outcome().wire());
                ps.setString(6, details);
                ps.setString(7, GENESIS);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            c.commit();
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("audit entry not stored: " + e.getMessage(), e);
        }
    }

    /**
     * Appends the entry on a worker thread, for callers on an event loop. A failure is logged, not
     * thrown: the act it records has happened already.
     */
    public void recordLater(AuditEntry entry) {
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                record(entry);
            } catch (RuntimeException e) {
                LOG.errorf("audit entry %s by %s not stored: %s", entry.action().wire(), entry.actor(), e.getMessage());
            }
        });
    }

    /** Result of walking the chain: how many entries were checked and the first that does not fit, if any. */
    public record Verification(long checked, Optional<Long> firstBroken) {
        public boolean intact() {
            return firstBroken.isEmpty();
        }
    }

    /**
     * Recomputes every kept entry's hash and checks it names its predecessor's. The oldest kept entry
     * may point at a pruned one: the chain is verified from there on.
     */
    public Verification verify() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select id, hash = audit_entry_hash(prev_hash, at, actor, address, action, target, outcome, details)
                                and (lag(hash) over w is null and row_number() over w = 1 or prev_hash = lag(hash) over w)
                     from audit_log window w as (order by id) order by id""")) {
            c.setAutoCommit(false); // lets the driver fetch in pages instead of reading the whole log
            ps.setFetchSize(1000);
            long checked = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    checked++;
                    if (!rs.getBoolean(2)) {
                        return new Verification(checked, Optional.of(rs.getLong(1)));
                    }
                }
            }
            return new Verification(checked, Optional.empty());
        } catch (SQLException e) {
            throw new IllegalStateException("audit chain not verified: " + e.getMessage(), e);
        }
    }
}
