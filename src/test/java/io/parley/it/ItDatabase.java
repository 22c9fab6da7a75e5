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

    /** The server's processes: the postmaster (first line of {@code postmaster.pid}) and its children. */
    java.util.List<ProcessHandle> processes() throws IOException {
        long pid = Long.parseLong(java.nio.file.Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("postmaster " + pid + " not running"));
        java.util.List<ProcessHandle> all = new java.util.ArrayList<>(postmaster.descendants().toList());
        all.add(0, postmaster);
        return all;
    }

    int port() {
        return port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /**
     * What every packaged instance of a process-level test needs: this database, the fake model at
     * {@code modelPort}, a shared session key and the first admin's password; {@code extra} adds to it.
     */
    java.util.Map<String, String> instanceEnv(String name, int modelPort, java.util.Map<String, String> extra) {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("PARLEY_LLM_BASE_URL", "http://127.0.0.1:" + modelPort);
        env.put("PARLEY_LLM_API_KEY", io.parley.testing.FakeDeepSeek.API_KEY);
        env.put("PARLEY_SESSION_KEY", name + "-test-session-key-0123456789");
        env.put("PARLEY_AGENTS_ADMIN_PASSWORD", name + "-admin-password");
        // every simulated customer comes from 127.0.0.1 and sends as fast as it can: the customer limits are not what these test
        env.put("PARLEY_LIMITS_MESSAGES_PER_MINUTE", "100000");
        env.put("PARLEY_LIMITS_SOCKETS_PER_ADDRESS", "100000");
        env.put("PARLEY_LIMITS_CONVERSATIONS_PER_HOUR", "1000000");
        env.putAll(extra);
        return env;
    }

    Sql sql() {
        return new Sql(() -> DriverManager.getConnection(jdbcUrl(), "postgres", "postgres"));
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
