package io.parley.failure;

/**
 * Every failure Parley tells a client about: it carries its error code (the WebSocket {@code error}
 * frame's {@code code} and the HTTP problem's status) and a message written for the client. One
 * mapper turns it into a problem response (ops.Problems), one into an error frame (chat.Frames).
 * No stack trace: these are expected outcomes, not bugs.
 */
public class ParleyException extends RuntimeException {

    private final ErrorCode code;
    private final Long retryAfterMs;

    public ParleyException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public ParleyException(ErrorCode code, String message, Long retryAfterMs, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
        this.retryAfterMs = retryAfterMs;
    }

    public ErrorCode code() {
        return code;
    }

    /** When the client may try again, or null. */
    public Long retryAfterMs() {
        return retryAfterMs;
    }

    /** Input the client must change: a 400 problem, a {@code bad_frame} error. */
    public static ParleyException badInput(String message) {
        return new ParleyException(ErrorCode.BAD_FRAME, message);
    }

    /**
     * What a client is told of any failure: the exception itself when it is one of ours, storage
     * unavailable when the database is away (any layer may wrap it: Hibernate, Narayana, Agroal,
     * pgjdbc), and otherwise internal (the caller logs those with their stack trace).
     */
    public static ParleyException of(Throwable failure) {
        if (failure instanceof ParleyException p) {
            return p;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ParleyException p) {
                return p;
            }
            if (t instanceof jakarta.persistence.PersistenceException || t instanceof java.sql.SQLException) {
                return new ParleyException(ErrorCode.STORAGE_UNAVAILABLE,
                        "The server cannot reach its database. Send this again shortly.", 1000L, failure);
            }
        }
        return new ParleyException(ErrorCode.INTERNAL, "The server could not handle this.", null, failure);
    }
}
