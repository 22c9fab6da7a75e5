package io.parley.ops;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL binaries, in a folder only Parley's user can write, started without Parley's environment.
 * <p>
 * zonky starts {@code initdb} and {@code pg_ctl} with the JVM's whole environment (API keys, the admin
 * password, ...) and has no option to change it, and the postmaster inherits it from {@code pg_ctl}. So
 * this resolver unpacks zonky's real binaries itself into {@code <private folder>/postgres-<digest>} and
 * hands zonky an archive of two small scripts, {@code bin/initdb} and {@code bin/pg_ctl}, that run the
 * real ones through {@code env -i}: only {@code PATH}, the locale and the time zone pass. The real
 * {@code pg_ctl} then starts the real {@code postgres} from its own folder with that clean environment.
 * <p>
 * On Windows (no {@code /bin/sh}) zonky gets the real archive and the environment is not scrubbed.
 */
final class PostgresBinaries implements PgBinaryResolver {

    static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase().contains("windows");
    /** The variables PostgreSQL may see; nothing secret. */
    static final List<String> KEPT_VARIABLES = List.of("LANG", "LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "TZ");
    static final String PATH = "/usr/local/bin:/usr/bin:/bin";

    /** Beside {@code .complete}: the archive's resource URL, which finds the folder again without reading the archive. */
    private static final String SOURCE = ".source";

    private final Path root;
    private volatile Path bin;

    /** @param root a folder only Parley's user can enter: the real binaries are unpacked below it */
    PostgresBinaries(Path root) {
        this.root = root;
    }

    /** The folder of the real binaries ({@code postgres}, {@code pg_ctl}, ...), once zonky asked for them. */
    Path bin() {
        if (bin == null) {
            throw new IllegalStateException("binaries not prepared yet");
        }
        return bin;
    }

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        // an archive unpacked before is known by where it came from (its jar's name holds the version):
        // reading and hashing its 10+ MB on every start cost a quarter of a second of CPU
        String source = String.valueOf(archiveUrl(system, machineHardware));
        Path home = WINDOWS ? null : unpackedFrom(source);
        if (home == null) {
            byte[] archive;
            try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware)) {
                archive = in.readAllBytes();
            }
            home = root.resolve("postgres-" + digest(archive));
            if (!Files.exists(home.resolve(".complete"))) {
                unpack(archive, home);
            }
            Files.writeString(home.resolve(SOURCE), source);
            if (WINDOWS) {
                bin = home.resolve("bin");
                return new ByteArrayInputStream(archive);
            }
        }
        bin = home.resolve("bin");
        return new ByteArrayInputStream(wrappers(bin));
    }

    /** The resource zonky's resolver picks (its names, in its order), or null when it would find none of them. */
    private static URL archiveUrl(String system, String machineHardware) {
        String architecture = ArchUtils.normalize(machineHardware);
        String distribution = LinuxUtils.getDistributionName();
        List<String> names = new ArrayList<>();
        if (distribution != null) {
            names.add(String.format("postgres-%s-%s-%s.txz", system, architecture, distribution));
        }
        names.add(String.format("postgres-%s-%s.txz", system, architecture));
        ClassLoader loader = DefaultPostgresBinaryResolver.class.getClassLoader();
        for (String name : names) {
            URL url = loader.getResource(name.replace(' ', '_').toLowerCase(Locale.ROOT));
            if (url != null) {
                return url;
            }
        }
        return null;
    }

    /** The complete folder unpacked from {@code source}, if any. */
    private Path unpackedFrom(String source) throws IOException {
        if (source.equals("null") || !Files.isDirectory(root)) {
            return null;
        }
        try (var dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("postgres-[0-9a-f]+")).toList()) {
                Path recorded = dir.resolve(SOURCE);
                if (Files.exists(dir.resolve(".complete")) && Files.exists(recorded) && Files.readString(recorded).equals(source)) {
                    return dir;
                }
            }
        }
        return null;
    }

    /**
     * The command that runs the real {@code program} with a clean environment, as zonky runs it: inside
     * {@code unshare -U} when Parley runs as root (PostgreSQL refuses to run as root).
     */
    ProcessBuilder command(String program, List<String> args) {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(bin().resolve(WINDOWS ? program + ".exe" : program).toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        if (!WINDOWS) {
            pb.environment().clear();
            pb.environment().put("PATH", PATH);
            for (String name : KEPT_VARIABLES) {
                String value = System.getenv(name);
                if (value != null) {
                    pb.environment().put(name, value);
                }
            }
        }
        return pb;
    }

    /** Unpacks into a temporary sibling first, so that a crash never leaves a half-written folder in use. */
    private static void unpack(byte[] archive, Path home) throws IOException {
        Path tmp = home.resolveSibling(home.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectories(tmp);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = tmp.resolve(entry.getName()).normalize();
                if (!target.startsWith(tmp)) {
                    throw new IOException("archive entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createLink(target, tmp.resolve(entry.getLinkName()).normalize());
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    if (!WINDOWS) {
                        // never group- or world-writable, whatever the archive or the umask says
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                                (entry.getMode() & 0111) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
        }
        Files.createFile(tmp.resolve(".complete"));
        if (Files.exists(home)) {
            // an earlier unpacking stopped half-way: set it aside rather than delete a tree recursively
            Files.move(home, home.resolveSibling(home.getFileName() + ".incomplete-" + UUID.randomUUID()));
        }
        Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A .txz with {@code bin/initdb} and {@code bin/pg_ctl} scripts; the same bytes for the same folder. */
    static byte[] wrappers(Path realBin) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZOutputStream(bytes, new LZMA2Options(0)))) {
            for (String program : List.of("initdb", "pg_ctl")) {
                byte[] script = script(realBin.resolve(program)).getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry("bin/" + program);
                entry.setSize(script.length);
                entry.setMode(0755);
                entry.setModTime(0);
                tar.putArchiveEntry(entry);
                tar.write(script);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static String script(Path real) {
        StringBuilder kept = new StringBuilder();
        for (String name : KEPT_VARIABLES) {
            kept.append(" ${").append(name).append(":+\"").append(name).append("=$").append(name).append("\"}");
        }
        return "#!/bin/sh\n"
                + "# Written by Parley: runs PostgreSQL without Parley's environment (API keys, passwords);\n"
                + "# only PATH, the locale and the time zone pass.\n"
                + "exec /usr/bin/env -i PATH=" + PATH + kept + " '" + real.toString().replace("'", "'\\''") + "' \"$@\"\n";
    }

    private static String digest(byte[] archive) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
