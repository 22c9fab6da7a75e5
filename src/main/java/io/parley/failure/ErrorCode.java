package io.parley.failure;

/**
 * The stable {@code code} values of {@code error} frames (docs/protocol.md lists them), each with
 * the HTTP status the same failure gets as a problem response.
 */
public enum ErrorCode {
    /** Not JSON, no or unknown {@code type}, a missing or malformed field. */
    BAD_FRAME("bad_frame", 400, "Bad request"),
    /** Over the frame size limit. */
    TOO_LARGE("too_large", 413, "Too large"),
    /** A {@code message} before {@code hello}. */
    HELLO_REQUIRED("hello_required", 400, "Bad request"),
    /** The resume token is unknown. */
    UNAUTHORIZED("unauthorized", 401, "Unauthorized"),
    /** The caller is known but may not do this (an integration key without the scope). */
    FORBIDDEN("forbidden", 403, "Forbidden"),
    RATE_LIMITED("rate_limited", 429, "Too many requests"),
    /** The model could not finish this turn; resend the message to retry it. */
    MODEL_UNAVAILABLE("model_unavailable", 503, "Model unavailable"),
    /** The frame could not be stored; nothing was acknowledged; resend it later (same id). */
    STORAGE_UNAVAILABLE("storage_unavailable", 503, "Storage unavailable"),
    /** A message to a closed conversation. */
    CONVERSATION_CLOSED("conversation_closed", 409, "Not allowed in this state"),
    /** The frame does not fit the conversation's state (a rating before it is resolved, a reply without taking it over). */
    NOT_ALLOWED("not_allowed", 409, "Conflict"),
    /** No such conversation (or other resource). */
    NOT_FOUND("not_found", 404, "Not found"),
    INTERNAL("internal", 500, "Internal error");

    public final String wire;
    public final int httpStatus;
    public final String title;

    ErrorCode(String wire, int httpStatus, String title) {
        this.wire = wire;
        this.httpStatus = httpStatus;
        this.title = title;
    }
}
