package io.parley.compliance;

import java.util.Locale;

/** The anomaly rules; the metric's {@code rule} label and the stored rule are the lower-case names. */
public enum AnomalyRule {
    FAILED_SIGN_INS, HEAVY_READER, NEW_ADMIN_ADDRESS, MODEL_ERRORS, MODEL_COST;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
