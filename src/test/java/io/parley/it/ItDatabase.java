package io.parley.it;

import io.parley.testing.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;

/**
 * The PostgreSQL that several packaged Parley instances share in a process-level test: a new folder
 * per run, a fixed port, so it can be stopped (an outage) and started again with the same data.
 * zonky must not clean the folder itself, or stopping the server would delete the data.
 */
final class ItDatabase implements AutoCloseable {

    private final Path dataDir;
    private final int port = ParleyProcess.freePort();
    private volatile EmbeddedPostgres pg;

    ItDatabase(String name) {
        this.dataDir = Path.of("target", name + "-postgres-" + System.currentTimeMillis()).toAbsolutePath();
    }

    ItDatabase start() throws IOException {
        pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("max_connections", "200").start();
        return this;
    }

    /** Stops the server (fast shutdown); {@link #start()} brings it back on the same port with the same data. */
    void stop() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    int port() {
        return port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    Sql sql() {
        return new Sql(() -> DriverManager.getConnection(jdbcUrl(), "postgres", "postgres"));
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
