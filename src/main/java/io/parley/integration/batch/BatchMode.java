package io.parley.integration.batch;

import java.util.Locale;

/** What a batch job does with each message. */
public enum BatchMode {
    /** Intent and entities from the offline engine: no model request, no cost. */
    CLASSIFY,
    /** The full turn, each item in its own conversation (channel batch): the same pipeline as a chat message. */
    ANSWER;

    @com.fasterxml.jackson.annotation.JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BatchMode of(String wire) {
        for (BatchMode m : values()) {
            if (m.wire().equals(wire)) {
                return m;
            }
        }
        return null;
    }
}
