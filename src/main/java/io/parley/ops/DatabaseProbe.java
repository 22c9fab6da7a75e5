package io.parley.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code parley_database_up}: 1 while this instance can run a query on PostgreSQL, 0 once it cannot
 * (the DatabaseUnavailable alert). A short query every few seconds through the pool, with its own
 * timeout, so the figure is fresh when Prometheus scrapes and the scrape itself never waits on the database.
 */
@ApplicationScoped
public class DatabaseProbe {

    private static final Logger LOG = Logger.getLogger(DatabaseProbe.class);
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    private final DataSource db;
    private final AtomicInteger up = new AtomicInteger(1);

    DatabaseProbe(DataSource db, MeterRegistry metrics) {
        this.db = db;
        Gauge.builder("parley.database.up", up, AtomicInteger::get)
                .description("1 when this instance reached PostgreSQL at its last probe, 0 when it did not").register(metrics);
    }

    @Scheduled(every = "${parley.ops.database-probe-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void probe() {
        boolean ok;
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            s.execute("select 1");
            ok = true;
        } catch (Exception e) {
            ok = false;
            if (up.get() == 1) {
                LOG.warnf("error_type=DATABASE_UNAVAILABLE detail=\"%s\"", e.getMessage());
            }
        }
        if (ok && up.get() == 0) {
            LOG.info("database reachable again");
        }
        up.set(ok ? 1 : 0);
    }

    /** The last probe's result. */
    public boolean up() {
        return up.get() == 1;
    }
}
