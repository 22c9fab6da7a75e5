package io.parley.privacy;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Versioned AES-256 keys and the one new writes use. Parsed from {@code version:base64} entries; an
 * entry that is not 32 bytes of key is refused with a message that never repeats the key.
 */
record KeyRing(Map<Integer, SecretKey> keys, int active) {

    static KeyRing parse(String entries, Integer active) {
        Map<Integer, SecretKey> keys = new TreeMap<>();
        for (String raw : entries.split("[,\\n]")) {
            String entry = raw.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            int colon = entry.indexOf(':');
            int version;
            byte[] key;
            try {
                version = Integer.parseInt(entry.substring(0, Math.max(colon, 0)).strip());
                key = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("a privacy key is version:base64 (the version a number)");
            }
            if (key.length != 32 || version <= 0) {
                throw new IllegalStateException("privacy key " + version + " must be a positive version and 32 bytes (AES-256), base64");
            }
            keys.put(version, new SecretKeySpec(key, "AES"));
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("no privacy key configured");
        }
        int use = active != null ? active : ((TreeMap<Integer, SecretKey>) keys).lastKey();
        if (!keys.containsKey(use)) {
            throw new IllegalStateException("parley.privacy.active-key " + use + " is not among the configured keys");
        }
        return new KeyRing(Map.copyOf(keys), use);
    }

    SecretKey key(int version) {
        SecretKey k = keys.get(version);
        if (k == null) {
            throw new IllegalStateException("personal data sealed under key " + version + ", which is not configured");
        }
        return k;
    }

    @Override
    public String toString() {
        return "KeyRing[versions=" + keys.keySet() + ", active=" + active + "]";
    }
}
