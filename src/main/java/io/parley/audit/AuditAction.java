package io.parley.audit;

import java.util.Locale;

/** What an audit entry records. Stored by its lower-case name, so renaming a constant is a migration. */
public enum AuditAction {
    SIGN_IN, SIGN_IN_FAILED, SIGN_OUT,
    TRANSCRIPT_VIEW, SEARCH, EXPORT,
    TAKE_OVER, REPLY, RESOLVE, TAG, NOTE,
    ACCOUNT_CHANGE, SETTINGS_CHANGE, KNOWLEDGE_CHANGE, ACTION_CHANGE, KEY_CHANGE, KEY_USE,
    API_READ, API_WRITE, ACCESS_DENIED,
    ERASURE, RETENTION, ANOMALY;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
