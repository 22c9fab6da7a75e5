package io.parley.ops;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
