package io.parley.actions;

import java.util.Locale;

/** How one action call ended: stored with it, counted in metrics, and what the customer is told follows from it. */
public enum Outcome {
    /** A 2xx response with a JSON body within the size limit. */
    OK,
    /** Any other HTTP status. */
    HTTP_ERROR,
    /** No whole response within the action's timeout. */
    TIMEOUT,
    /** The response was larger than the action's limit: cut off, never buffered whole. */
    TOO_LARGE,
    /** No connection, or a response that is not JSON. */
    UNREACHABLE,
    /** Not called: an unknown action, or arguments that do not fit its schema. */
    REJECTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
