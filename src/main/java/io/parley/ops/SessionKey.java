package io.parley.ops;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key that encrypts agents' session cookies. Configured (PARLEY_SESSION_KEY, the same on every
 * instance) or, for a single instance, generated once and kept in the data folder so that sign-ins
 * survive a restart. Without this Quarkus would make a temporary key and print it in its log.
 */
public final class SessionKey {

    private static final Logger LOG = Logger.getLogger(SessionKey.class);
    private static final String PROPERTY = "quarkus.http.auth.session.encryption-key";

    private SessionKey() {
    }

    public static void ensure() {
        if (present(System.getenv("PARLEY_SESSION_KEY")) || present(System.getProperty("parley.session-key"))
                || present(System.getenv("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY")) || present(System.getProperty(PROPERTY))) {
            return;
        }
        String file = System.getenv().getOrDefault("PARLEY_SESSION_KEY_FILE", "data/session-key");
        Path path = Path.of(file).toAbsolutePath();
        try {
            if (!Files.exists(path)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                SecretFile.write(path, Base64.getEncoder().encodeToString(key));
                LOG.infof("generated the session cookie key in %s (for several instances set PARLEY_SESSION_KEY on all)", path);
            }
            System.setProperty("parley.session-key", Files.readString(path).strip());
        } catch (IOException e) {
            LOG.warnf("no session key file (%s): agents sign in again after a restart", e.getMessage());
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
