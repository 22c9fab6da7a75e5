package io.parley.privacy;

import io.parley.ops.SecretFile;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * Seals the personal details of stored message text with AES-256-GCM: a message that holds any is
 * stored as its masked form ({@code [PHONE_1]}, searchable) plus its clear text encrypted under the
 * active key with a random 96-bit nonce; the conversation's id and the key version are the associated
 * data, so a sealed text cannot be moved to another row or relabelled. Messages without personal
 * details cost nothing. The JDK's own {@code AES/GCM/NoPadding} (SunJCE, AES-NI) is authenticated
 * encryption already: a library such as Tink would add a dependency and its own key format for the
 * same cipher.
 */
@ApplicationScoped
public class Vault {

    private static final Logger LOG = Logger.getLogger(Vault.class);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A text as stored: {@code text} for the column, {@code sealed} (nonce and ciphertext) and its key version, or both null. */
    public record Sealed(String text, byte[] sealed, Integer key) {
    }

    private final PrivacyConfig config;
    private final SecureRandom random = new SecureRandom();
    private volatile KeyRing ring;
    private volatile long fileStamp;

    Vault(PrivacyConfig config) {
        this.config = config;
        reload();
    }

    /** The text to store: unchanged when it holds no personal detail, else masked and sealed. */
    public Sealed seal(UUID conversationId, String text) {
        Placeholders p = new Placeholders();
        String masked = p.mask(text);
        if (!p.any()) {
            return new Sealed(text, null, null);
        }
        KeyRing keys = ring;
        return new Sealed(masked, encrypt(keys, keys.active(), conversationId, text), keys.active());
    }

    /** The clear text of a stored message: {@code text} itself when nothing is sealed. */
    public String open(UUID conversationId, String text, byte[] sealed, Integer key) {
        if (sealed == null || key == null) {
            return text;
        }
        return decrypt(ring, key, conversationId, sealed);
    }

    /** The same clear text sealed under the active key (for the background job). */
    byte[] reseal(UUID conversationId, byte[] sealed, int key) {
        KeyRing keys = ring;
        return encrypt(keys, keys.active(), conversationId, decrypt(keys, key, conversationId, sealed));
    }

    public int activeKey() {
        return ring.active();
    }

    /** Reads the keys again: configured ones once; the key file whenever it changed (a key added for rotation). */
    public synchronized void reload() {
        Integer active = config.activeKey().isPresent() ? config.activeKey().getAsInt() : null;
        if (config.keys().filter(k -> !k.isBlank()).isPresent()) {
            if (ring == null) {
                ring = KeyRing.parse(config.keys().get(), active);
            }
            return;
        }
        Path file = Path.of(config.keyFile()).toAbsolutePath();
        try {
            if (!Files.exists(file)) {
                generate(file);
            }
            long stamp = Files.getLastModifiedTime(file).toMillis() ^ Files.size(file);
            if (ring == null || stamp != fileStamp) {
                KeyRing loaded = KeyRing.parse(Files.readString(file), active);
                if (ring != null && loaded.active() != ring.active()) {
                    LOG.infof("personal data: new writes now use key %d", loaded.active());
                }
                ring = loaded;
                fileStamp = stamp;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the personal-data key file " + file, e);
        }
    }

    /**
     * Writes a first key, unless another instance sharing the data folder just did: the key goes to a
     * private temporary file that is then hard-linked into place, which fails if the file exists, so
     * two instances starting at once never end up with different keys.
     */
    private void generate(Path file) throws IOException {
        byte[] key = new byte[32];
        random.nextBytes(key);
        Path tmp = file.resolveSibling(file.getFileName() + "." + Long.toHexString(random.nextLong()) + ".tmp");
        SecretFile.write(tmp, "1:" + Base64.getEncoder().encodeToString(key) + "\n");
        Arrays.fill(key, (byte) 0);
        try {
            Files.createLink(file, tmp);
            LOG.infof("generated the personal-data key in %s (for several instances set PARLEY_PRIVACY_KEYS on all)", file);
        } catch (java.nio.file.FileAlreadyExistsException another) {
            // another instance wrote it first: use that one
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private byte[] encrypt(KeyRing keys, int version, UUID conversationId, String text) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.key(version), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(conversationId, version));
            byte[] body = c.doFinal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + body.length).put(nonce).put(body).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String decrypt(KeyRing keys, int version, UUID conversationId, byte[] sealed) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, keys.key(version), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            c.updateAAD(aad(conversationId, version));
            return new String(c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), java.nio.charset.StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // a wrong key or a tampered row: never the key or the text in the message
            throw new IllegalStateException("a sealed message of conversation " + conversationId + " does not open under key " + version, e);
        }
    }

    private static byte[] aad(UUID conversationId, int version) {
        return ByteBuffer.allocate(20).putLong(conversationId.getMostSignificantBits())
                .putLong(conversationId.getLeastSignificantBits()).putInt(version).array();
    }
}
