package io.parley.audit;

import java.util.Locale;

/** How the recorded attempt ended. */
public enum AuditOutcome {
    OK, DENIED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
