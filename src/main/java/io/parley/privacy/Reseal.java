package io.parley.privacy;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Key rotation without downtime: new writes use the active key at once; this job seals the older rows
 * again under it, one bounded batch per run, rows locked with {@code skip locked} so that several
 * instances share the work and never wait for each other or for a turn.
 */
@ApplicationScoped
public class Reseal {

    private static final Logger LOG = Logger.getLogger(Reseal.class);

    private final DataSource dataSource;
    private final Vault vault;
    private final PrivacyConfig config;

    Reseal(DataSource dataSource, Vault vault, PrivacyConfig config) {
        this.dataSource = dataSource;
        this.vault = vault;
        this.config = config;
    }

    @Scheduled(every = "${parley.privacy.reseal-every:1m}", delay = 10, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            vault.reload();
            runOnce();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("resealing personal data under the active key failed, tried again next run: %s", e.getClass().getSimpleName());
        }
    }

    /** Seals at most one batch of rows again under the active key; returns how many. */
    public int runOnce() throws SQLException {
        int active = vault.activeKey();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int n = 0;
            try (PreparedStatement select = c.prepareStatement("select id, conversation_id, sealed, sealed_key from message "
                    + "where sealed is not null and sealed_key <> ? order by id limit ? for update skip locked");
                 PreparedStatement update = c.prepareStatement("update message set sealed = ?, sealed_key = ? where id = ?")) {
                select.setInt(1, active);
                select.setInt(2, config.resealBatch());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        update.setBytes(1, vault.reseal(rs.getObject(2, UUID.class), rs.getBytes(3), rs.getInt(4)));
                        update.setInt(2, active);
                        update.setLong(3, rs.getLong(1));
                        update.addBatch();
                        n++;
                    }
                }
                if (n > 0) {
                    update.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            if (n > 0) {
                LOG.infof("personal data: %d messages sealed again under key %d", n, active);
            }
            return n;
        }
    }
}
