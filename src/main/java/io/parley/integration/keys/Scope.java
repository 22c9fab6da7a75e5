package io.parley.integration.keys;

import java.util.Locale;

/** What an integration key may do; the wire name is stored in {@code integration_key.scopes}. */
public enum Scope {
    /** Start conversations and send messages (REST, gRPC). */
    CHAT,
    /** Submit, follow and cancel batch jobs. */
    BATCH,
    /** Read transcripts. */
    READ;

    @com.fasterxml.jackson.annotation.JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope of a wire name, or null for an unknown one. */
    public static Scope of(String wire) {
        for (Scope s : values()) {
            if (s.wire().equals(wire)) {
                return s;
            }
        }
        return null;
    }
}
