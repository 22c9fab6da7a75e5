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
    private static Path template;

    ItDatabase(String name) {
        this.dataDir = Path.of("target", name + "-postgres-" + System.currentTimeMillis()).toAbsolutePath();
    }

    ItDatabase start() throws IOException {
        if (!java.nio.file.Files.exists(dataDir)) {
            copy(template(), dataDir);
        }
        pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("max_connections", "200").start();
        return this;
    }

    /**
     * A data folder initialised once per test run (initdb takes seconds of CPU) and copied for each test,
     * which then starts on it as on any folder of its own.
     */
    private static synchronized Path template() throws IOException {
        if (template == null) {
            Path dir = Path.of("target", "it-postgres-template-" + System.currentTimeMillis()).toAbsolutePath();
            EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).start().close();
            template = dir;
        }
        return template;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(from)) {
            for (Path p : all.toList()) {
                String name = p.getFileName().toString();
                if (name.equals("epg-lock") || name.startsWith("postmaster.")) {
                    continue; // the template server's lock and pid: each copy gets its own
                }
                java.nio.file.Files.copy(p, to.resolve(from.relativize(p).toString()),
                        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
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
