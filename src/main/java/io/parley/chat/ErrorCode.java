package io.parley.chat;

/** The stable {@code code} values of {@code error} frames (docs/protocol.md lists them). */
public enum ErrorCode {
    /** Not JSON, no or unknown {@code type}, a missing or malformed field. */
    BAD_FRAME("bad_frame"),
    /** Over the frame size limit. */
    TOO_LARGE("too_large"),
    /** A {@code message} before {@code hello}. */
    HELLO_REQUIRED("hello_required"),
    /** The resume token is unknown. */
    UNAUTHORIZED("unauthorized"),
    RATE_LIMITED("rate_limited"),
    /** The model could not finish this turn; resend the message to retry it. */
    MODEL_UNAVAILABLE("model_unavailable"),
    /** The frame could not be stored; nothing was acknowledged; resend it later (same id). */
    STORAGE_UNAVAILABLE("storage_unavailable"),
    /** A message to a closed conversation. */
    CONVERSATION_CLOSED("conversation_closed"),
    /** The frame does not fit the conversation's state (a rating before it is resolved, a reply without taking it over). */
    NOT_ALLOWED("not_allowed"),
    INTERNAL("internal");

    public final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }
}
