package io.parley.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.ops.EmbeddedDatabase;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL of a packaged Parley, started on a data folder an older Parley left (initdb
 * with trust, no password), with secrets in Parley's environment: only Parley can connect, the
 * database does not see those secrets, its folders are Parley's alone, and on SIGTERM it keeps running
 * until Parley has let the streaming answer finish.
 */
class EmbeddedDatabaseIT {

    private static final String WIDGET_SECRET = "widget-secret-" + UUID.randomUUID();
    private static final String ADMIN_PASSWORD = "admin-password-" + UUID.randomUUID();
    private static final Set<PosixFilePermission> GROUP_OR_WORLD_WRITE =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private final Path dataDir = Path.of("target", "it-embedded-db-" + System.currentTimeMillis()).toAbsolutePath();
    private final int pgPort = ParleyProcess.freePort();
    private final String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    private final FakeDeepSeek fake = FakeDeepSeek.get();
    private ParleyProcess parley;

    @AfterEach
    void stop() throws Exception {
        if (parley != null && parley.alive()) {
            parley.kill9();
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                postmaster().destroy(); // left running by the killed Parley; the folders stay for a look
            }
            return;
        }
        // the unpacked binaries take about 50 MB per run
        for (Path dir : List.of(EmbeddedDatabase.runtimeDir(dataDir), dataDir)) {
            if (Files.exists(dir)) {
                try (Stream<Path> all = Files.walk(dir)) {
                    all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void onlyParleyConnectsTheDatabaseHasNoSecretsAndOutlivesTheDrain() throws Exception {
        // a data folder as older Parleys left it: zonky's initdb, trust, no password
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setPort(pgPort).start(); Connection c = DriverManager.getConnection(url, noPassword())) {
            assertThat(c.isValid(2)).as("the old folder trusts local connections").isTrue();
        }

        parley = new ParleyProcess("embedded-db", Map.of(
                "PARLEY_DB_DATA_DIR", dataDir.toString(),
                "PARLEY_DB_PORT", String.valueOf(pgPort),
                "PARLEY_LLM_BASE_URL", "http://127.0.0.1:" + fake.port(),
                "PARLEY_LLM_API_KEY", FakeDeepSeek.API_KEY,
                "PARLEY_AGENTS_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "PARLEY_WIDGET_IDENTITY_SECRET", WIDGET_SECRET,
                "PARLEY_SESSION_KEY", "embedded-db-test-session-key-0123456789",
                "PARLEY_CHAT_SHUTDOWN_GRACE", "10s")).start();

        // only Parley connects: no password and the old fixed one are both refused
        assertThatThrownBy(() -> DriverManager.getConnection(url, noPassword()).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "postgres").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        Path passwordFile = dataDir.resolve("parley-password");
        assertThat(Files.getPosixFilePermissions(passwordFile)).containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("rw-------"));
        try (Connection c = DriverManager.getConnection(url, "postgres", Files.readString(passwordFile).strip());
             Statement s = c.createStatement()) {
            assertThat(single(s, "select rolpassword from pg_authid where rolname = 'postgres'")).startsWith("SCRAM-SHA-256$");
            assertThat(single(s, "show unix_socket_directories")).isEmpty();
            assertThat(single(s, "select count(*) from pg_hba_file_rules where auth_method in ('trust', 'peer', 'ident')")).isEqualTo("0");
        }
        assertThat(Files.readAllLines(dataDir.resolve("pg_hba.conf"))).noneMatch(l -> !l.startsWith("#") && l.contains("trust"));
        assertThat(Path.of("/tmp", ".s.PGSQL." + pgPort)).doesNotExist();

        // the database processes do not inherit Parley's environment
        ProcessHandle postmaster = postmaster();
        List<ProcessHandle> database = new ArrayList<>(postmaster.descendants().toList());
        database.add(postmaster);
        for (ProcessHandle p : database) {
            String environ = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "environ")), StandardCharsets.UTF_8);
            assertThat(environ).as("environment of pid %d", p.pid())
                    .doesNotContain(WIDGET_SECRET).doesNotContain(ADMIN_PASSWORD).doesNotContain(FakeDeepSeek.API_KEY)
                    .doesNotContain("PARLEY_");
        }

        // data and binaries: nothing group- or world-writable, both top folders owner-only
        Path runtime = EmbeddedDatabase.runtimeDir(dataDir);
        for (Path top : List.of(dataDir, runtime)) {
            assertThat(Files.getPosixFilePermissions(top)).as(top.toString())
                    .containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("rwx------"));
            try (Stream<Path> all = Files.walk(top)) {
                all.filter(p -> !Files.isSymbolicLink(p)).forEach(p -> {
                    try {
                        assertThat(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)).as(p.toString())
                                .doesNotContainAnyElementsOf(GROUP_OR_WORLD_WRITE);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }

        // SIGTERM mid-answer: the database still runs while Parley drains, and stops after Parley
        fake.reset();
        fake.enqueue(FakeDeepSeek.Reply.stream(FakeDeepSeek.DEFAULT_ANSWER, 3, 40, true).paced(30)); // about 3 s
        try (ChatClient chat = ChatClient.connect(parley.http())) {
            chat.send(Map.of("type", "hello")).nextOfType("ready");
            chat.send(Map.of("type", "message", "id", "drained", "text", "is order GH5566778 on its way?"));
            chat.nextOfType("answer.delta");
            Thread stopper = new Thread(() -> {
                try {
                    parley.terminate(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopper.start();
            ParleyProcess.sleep(1000);
            assertThat(parley.alive()).as("Parley is draining").isTrue();
            assertThat(postmaster.isAlive()).as("the database runs while Parley drains").isTrue();
            JsonNode end = chat.nextOfType("answer.end");
            assertThat(end.path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
            assertThat(end.path("incomplete").isMissingNode()).isTrue();
            stopper.join(30_000);
        }
        assertThat(parley.alive()).isFalse();
        ProcessHandle.of(postmaster.pid()).ifPresent(p -> p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join());
        assertThat(postmaster.isAlive()).as("the database stops with Parley").isFalse();

        // a restart on the now secured folder: same password, and the drained answer was stored
        parley.start();
        try (Connection c = DriverManager.getConnection(url, "postgres", Files.readString(passwordFile).strip());
             Statement s = c.createStatement()) {
            assertThat(single(s, "select count(*) from message where msg_id = 'drained' and role = 'customer'")).isEqualTo("1");
            assertThat(single(s, "select count(*) from message where role = 'assistant' and state = 'complete'")).isEqualTo("1");
        }
        parley.terminate(Duration.ofSeconds(30));
    }

    private ProcessHandle postmaster() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).orElseThrow();
    }

    private static Properties noPassword() {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return p;
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
