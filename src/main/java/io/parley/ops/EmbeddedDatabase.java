package io.parley.ops;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.configuration.DurationConverter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL (zonky) that Parley uses when no datasource is configured.
 * <p>
 * It starts while Quarkus starts (the datasource URL is runtime configuration, which
 * {@link EmbeddedDatasourceConfig} provides once the server runs), and only when neither
 * {@code QUARKUS_DATASOURCE_JDBC_URL} nor {@code quarkus.datasource.jdbc.url} is given. Its data folder
 * persists across restarts.
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    private static final String USER = "postgres";
    private static final String PASSWORD_FILE = "parley-password";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** At least this long, or the drain (parley.chat.shutdown-grace) plus a minute for Quarkus' own stop. */
    private static final Duration QUARKUS_STOP_WAIT = Duration.ofMinutes(2);
    /** Only Parley, with the password, over TCP on localhost. No "local" lines: the Unix socket is off. */
    static final String HBA = """
            # Written by Parley (io.parley.ops.EmbeddedDatabase); rewritten at start if changed.
            # Only Parley connects: password (scram-sha-256) over TCP on localhost. No trust, no Unix socket.
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """;
    private static EmbeddedPostgres running;
    private static String password;
    /** The settings of the server {@link #startIfNoDatasourceConfigured()} starts in the background. */
    private static volatile CompletableFuture<Map<String, String>> starting;

    private EmbeddedDatabase() {
    }

    /**
     * Starts the embedded server on a thread of its own when no datasource URL is configured, so that
     * PostgreSQL starts while Quarkus boots (class loading, Hibernate's metadata): the datasource
     * settings come from {@link EmbeddedDatasourceConfig}, which waits for the server when Quarkus first
     * reads them. A server that fails to start fails Quarkus' start with its cause.
     */
    public static void startIfNoDatasourceConfigured() {
        if (setting("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL") != null) {
            LOG.info("Datasource URL configured: not starting the embedded PostgreSQL");
            return;
        }
        String dir = setting("parley.db.data-dir", "PARLEY_DB_DATA_DIR");
        Path dataDir = Path.of(dir != null ? dir : "data/postgres").toAbsolutePath();
        String port = setting("parley.db.port", "PARLEY_DB_PORT");
        CompletableFuture<Map<String, String>> settings = new CompletableFuture<>();
        starting = settings;
        Thread starter = new Thread(() -> {
            try {
                stopOrphan(dataDir);
                String url = start(dataDir, false, port == null ? 0 : Integer.parseInt(port));
                LOG.infof("Embedded PostgreSQL running, data in %s, binaries in %s", dataDir, runtimeDir(dataDir));
                settings.complete(Map.of("quarkus.datasource.jdbc.url", url,
                        "quarkus.datasource.username", USER, "quarkus.datasource.password", password()));
            } catch (RuntimeException | Error e) {
                settings.completeExceptionally(e);
            }
        }, "embedded-pg-start");
        starter.setDaemon(true);
        starter.start();
    }

    /**
     * The datasource settings of the embedded server started by {@link #startIfNoDatasourceConfigured()},
     * once it accepts connections; empty when none was started (a datasource URL is configured, or tests).
     */
    static Map<String, String> datasourceSettings() {
        CompletableFuture<Map<String, String>> settings = starting;
        if (settings == null) {
            return Map.of();
        }
        try {
            return settings.get(QUARKUS_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable root = e.getCause();
            while (root.getCause() != null) {
                root = root.getCause();
            }
            // Quarkus prints only this message: name the first and the deepest cause
            throw new IllegalStateException("The embedded PostgreSQL did not start: " + e.getCause().getMessage()
                    + (root != e.getCause() ? " (" + root.getMessage() + ")" : ""), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The embedded PostgreSQL did not start within " + QUARKUS_STOP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the embedded PostgreSQL started", e);
        }
    }

    /** Whether {@link #startIfNoDatasourceConfigured()} started (or is starting) the embedded server. */
    static boolean starting() {
        return starting != null;
    }

    /**
     * Starts (once per JVM) an embedded PostgreSQL keeping its data in {@code dataDir}. Only Parley can
     * connect: password authentication (scram-sha-256) on localhost with the password in
     * {@code dataDir/parley-password}, no Unix socket, no trust. The binaries live in
     * {@link #runtimeDir(Path)}, a folder only Parley's user can enter; PostgreSQL runs without Parley's
     * environment ({@link PostgresBinaries}).
     *
     * @param clean wipe the folder first (tests), or keep what is there (the app)
     * @param port  0 for any free port
     * @return the JDBC URL of database {@code postgres}, user {@code postgres} (password: {@link #password()})
     */
    public static synchronized String start(Path dataDir, boolean clean, int port) {
        if (running == null) {
            try {
                Path runtime = runtimeDir(dataDir);
                privateFolder(runtime);
                if (clean) {
                    deleteTree(dataDir); // a run that was killed leaves its folder behind; initdb wants it empty
                }
                privateFolder(dataDir);
                Path zonkyDir = runtime.resolve("zonky");
                privateFolder(zonkyDir);
                PostgresBinaries binaries = new PostgresBinaries(runtime);
                Path passwordFile = dataDir.resolve(PASSWORD_FILE);
                String secret = !clean && Files.exists(passwordFile) && Files.exists(dataDir.resolve("postgresql.conf"))
                        ? Files.readString(passwordFile).strip() : newPassword();
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(clean)
                        .setRegisterShutdownHook(false)
                        .setOverrideWorkingDirectory(zonkyDir.toFile())
                        .setPgBinaryResolver(binaries)
                        .setConnectConfig("password", secret)
                        .setDataDirectoryCustomizer(data -> lockDown(binaries, data.toPath(), secret))
                        .setServerConfig("listen_addresses", "localhost")
                        .setServerConfig("password_encryption", "scram-sha-256")
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("timezone", "UTC");
                if (!PostgresBinaries.WINDOWS) {
                    // no Unix socket at all (it was /tmp/.s.PGSQL.<port>, mode 777); pg_ctl passes this through sh
                    builder.setServerConfig("unix_socket_directories", "''");
                }
                if (!clean) {
                    // zonky runs PostgreSQL for throwaway test data (-F, synchronous_commit=off);
                    // kept data must survive a crash: an acknowledged message is on disk
                    builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
                }
                if (port > 0) {
                    builder.setPort(port);
                }
                // loaded now: the shutdown hook may run after Quarkus closed its class loader
                Application.currentApplication();
                quarkusStopWait();
                // before the start: a JVM that exits while the server starts (it starts beside Quarkus) still stops it
                Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::stopAfterQuarkus, "embedded-pg-stop"));
                running = builder.start();
                password = secret;
                // zonky makes its working folder world-writable (setWritable(true, false)) every start;
                // it is inside the private runtime folder, but put it back anyway
                privateFolder(zonkyDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
            }
        }
        return running.getJdbcUrl(USER, "postgres");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The password of user {@code postgres} of the running embedded server. */
    public static synchronized String password() {
        if (password == null) {
            throw new IllegalStateException("the embedded PostgreSQL is not running");
        }
        return password;
    }

    /** The private folder beside the data folder holding the PostgreSQL binaries: {@code <dataDir>-runtime}. */
    public static Path runtimeDir(Path dataDir) {
        Path absolute = dataDir.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + "-runtime");
    }

    /**
     * Runs after initdb (zonky's, with trust) or on an existing data folder, before the server starts:
     * when the password file is new or pg_hba.conf is not Parley's (a folder from an older Parley, which
     * trusted every local connection), sets the password of {@code postgres} in single-user mode (no
     * network, so no moment with trust) and replaces pg_hba.conf.
     */
    private static void lockDown(PostgresBinaries binaries, Path dataDir, String secret) {
        try {
            privateFolder(dataDir);
            Path passwordFile = dataDir.resolve(PASSWORD_FILE);
            Path hba = dataDir.resolve("pg_hba.conf");
            boolean passwordKnown = Files.exists(passwordFile) && Files.readString(passwordFile).strip().equals(secret);
            boolean hbaOurs = Files.exists(hba) && Files.readString(hba).equals(HBA);
            if (passwordKnown && hbaOurs) {
                return;
            }
            if (!passwordKnown) {
                SecretFile.write(passwordFile, secret);
            }
            setPassword(binaries, dataDir, secret);
            Path tmp = dataDir.resolve("pg_hba.conf.parley-tmp");
            SecretFile.write(tmp, HBA);
            Files.move(tmp, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.infof("Embedded PostgreSQL in %s: password authentication only (pg_hba.conf rewritten)", dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not secure the embedded PostgreSQL in " + dataDir, e);
        }
    }

    private static void setPassword(PostgresBinaries binaries, Path dataDir, String secret) throws IOException {
        ProcessBuilder pb = binaries.command("postgres", List.of("--single", "-D", dataDir.toString(),
                "-c", "listen_addresses=", "-c", "unix_socket_directories=", "-c", "password_encryption=scram-sha-256",
                "-c", "log_statement=none", "-c", "log_min_error_statement=panic", "postgres"));
        Path log = dataDir.resolve("parley-single-user.log");
        SecretFile.write(log, "");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            // the generated password is hex: nothing to escape
            in.write(("ALTER ROLE " + USER + " WITH LOGIN PASSWORD '" + secret + "';\n").getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("postgres --single did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while setting the database password", e);
        }
        String output = Files.readString(log);
        if (p.exitValue() != 0 || output.contains("ERROR") || output.contains("FATAL")) {
            throw new IOException("setting the database password failed (exit " + p.exitValue() + "): " + output.strip());
        }
        Files.delete(log);
    }

    /** Creates {@code dir} if needed and makes it owner-only (rwx------). */
    static void privateFolder(Path dir) throws IOException {
        if (PostgresBinaries.WINDOWS || !dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir);
            return;
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created meanwhile: fixed below
            }
        }
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
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

    /**
     * The JVM runs all shutdown hooks at once: on SIGTERM this one would stop PostgreSQL while Parley
     * still lets answers finish (Drain) and stores them. So it first waits for the Quarkus application to
     * have stopped completely (drain, then the connection pool closed), and only then stops the server.
     * Bounded, in case no Quarkus application ever stops in this JVM (a test that failed to start one).
     */
    private static void stopAfterQuarkus() {
        try {
            Application app = Application.currentApplication();
            if (app != null) {
                Thread waiter = new Thread(app::awaitShutdown, "embedded-pg-await-quarkus");
                waiter.setDaemon(true);
                waiter.start();
                waiter.join(quarkusStopWait().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            // cannot wait for Quarkus: stop the server anyway rather than leave it running
        } finally {
            stopQuietly();
        }
    }

    private static Duration quarkusStopWait() {
        String grace = setting("parley.chat.shutdown-grace", "PARLEY_CHAT_SHUTDOWN_GRACE");
        try {
            Duration wait = grace == null ? Duration.ZERO : DurationConverter.parseDuration(grace).plusMinutes(1);
            return wait.compareTo(QUARKUS_STOP_WAIT) > 0 ? wait : QUARKUS_STOP_WAIT;
        } catch (RuntimeException e) {
            return QUARKUS_STOP_WAIT;
        }
    }

    private static synchronized void stopQuietly() {
        if (running != null) {
            try {
                running.close();
                LOG.info("Embedded PostgreSQL stopped");
            } catch (IOException | RuntimeException e) {
                // the JVM is going down; nothing useful to do
            }
            running = null;
            password = null;
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
