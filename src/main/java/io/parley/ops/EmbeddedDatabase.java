package io.parley.ops;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL (zonky) that Parley uses when no datasource is configured.
 * <p>
 * It runs before Quarkus starts (the datasource URL is runtime configuration, so setting it as a
 * system property here is enough), and only when neither {@code QUARKUS_DATASOURCE_JDBC_URL} nor
 * {@code quarkus.datasource.jdbc.url} is given. Its data folder persists across restarts.
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    private static EmbeddedPostgres running;

    private EmbeddedDatabase() {
    }

    public static void startIfNoDatasourceConfigured() {
        if (setting("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL") != null) {
            LOG.info("Datasource URL configured: not starting the embedded PostgreSQL");
            return;
        }
        String dir = setting("parley.db.data-dir", "PARLEY_DB_DATA_DIR");
        Path dataDir = Path.of(dir != null ? dir : "data/postgres").toAbsolutePath();
        String port = setting("parley.db.port", "PARLEY_DB_PORT");
        stopOrphan(dataDir);
        String url = start(dataDir, false, port == null ? 0 : Integer.parseInt(port));
        System.setProperty("quarkus.datasource.jdbc.url", url);
        System.setProperty("quarkus.datasource.username", "postgres");
        System.setProperty("quarkus.datasource.password", "postgres");
        LOG.infof("Embedded PostgreSQL running, data in %s", dataDir);
    }

    /**
     * Starts (once per JVM) an embedded PostgreSQL keeping its data in {@code dataDir}.
     *
     * @param clean wipe the folder first (tests), or keep what is there (the app)
     * @param port  0 for any free port
     * @return the JDBC URL of database {@code postgres}, user {@code postgres}
     */
    public static synchronized String start(Path dataDir, boolean clean, int port) {
        if (running == null) {
            try {
                Files.createDirectories(dataDir);
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(clean)
                        .setRegisterShutdownHook(false)
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("timezone", "UTC");
                if (!clean) {
                    // zonky runs PostgreSQL for throwaway test data (-F, synchronous_commit=off);
                    // kept data must survive a crash: an acknowledged message is on disk
                    builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
                }
                if (port > 0) {
                    builder.setPort(port);
                }
                running = builder.start();
                Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::stopQuietly, "embedded-pg-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
            }
        }
        return running.getJdbcUrl("postgres", "postgres");
    }

    /**
     * A Parley killed with SIGKILL leaves its PostgreSQL running, which would block the next start.
     * zonky holds {@code epg-lock} while its JVM lives: if we can take that lock, the owner is gone and
     * a postmaster still listed in {@code postmaster.pid} is an orphan, which we stop (smart shutdown).
     */
    static void stopOrphan(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dataDir.resolve("epg-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("Another Parley is using the embedded database in " + dataDir
                        + ". Stop it, or give this one its own folder with PARLEY_DB_DATA_DIR.");
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(c -> c.contains("postgres")).orElse(false));
            if (orphan.isPresent()) {
                LOG.warnf("Stopping the embedded PostgreSQL (pid %d) left running by a Parley that did not shut down", pid);
                ProcessHandle h = orphan.get();
                h.destroy();
                try {
                    h.onExit().get(20, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    h.destroyForcibly();
                }
            }
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            LOG.warnf("Could not check %s for a leftover PostgreSQL: %s", pidFile, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warnf("Waiting for the leftover PostgreSQL failed: %s", e.getMessage());
        }
    }

    private static synchronized void stopQuietly() {
        if (running != null) {
            try {
                running.close();
            } catch (IOException | RuntimeException e) {
                // the JVM is going down; nothing useful to do
            }
            running = null;
        }
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
