package io.parley.ops;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a generated secret (the first admin's password, the session-cookie key) to a file that only
 * its owner can read. The file is created with those permissions, so the secret is never readable by
 * others, not even for a moment.
 */
public final class SecretFile {

    private static final Logger LOG = Logger.getLogger(SecretFile.class);

    private SecretFile() {
    }

    /** Replaces {@code path} with a new owner-only file holding {@code secret}. */
    public static void write(Path path, String secret) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.deleteIfExists(path);
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            // a file system without POSIX permissions (Windows): the folder is what protects it
            Files.createFile(path);
            LOG.warnf("%s: this file system has no owner-only permissions; keep its folder private", path);
        }
        Files.writeString(path, secret);
    }
}
