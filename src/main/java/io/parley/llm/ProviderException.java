package io.parley.llm;

/**
 * A model call that failed, classified so that callers can decide to retry, fall back or give up.
 * Messages never contain the API key (see {@link DeepSeekClient#scrub}).
 */
public class ProviderException extends RuntimeException {

    public enum Kind {
        /** 429: too many requests. */
        RATE_LIMITED(true),
        /** 500, 502, 503, 504. */
        SERVER_ERROR(true),
        /** Could not connect, or the connection broke before the first token. */
        CONNECTION(true),
        /** 401. */
        UNAUTHORIZED(false),
        /** 402 (DeepSeek: insufficient balance). */
        INSUFFICIENT_BALANCE(false),
        /** 403 (SiliconFlow: verification or balance). */
        FORBIDDEN(false),
        /** 400, 422 and other 4xx: our request is wrong; retrying cannot help. */
        BAD_REQUEST(false),
        FIRST_TOKEN_TIMEOUT(true),
        IDLE_TIMEOUT(false),
        TOTAL_TIMEOUT(false),
        /** The stream ended or broke before {@code data: [DONE]}, or sent an error object. */
        STREAM_BROKEN(false),
        /** Parley dropped the request before its answer ended (shutdown, a superseded call): still billed, so accounted. */
        CANCELLED(false);

        public final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        static Kind ofStatus(int status) {
            return switch (status) {
                case 429 -> RATE_LIMITED;
                case 401 -> UNAUTHORIZED;
                case 402 -> INSUFFICIENT_BALANCE;
                case 403 -> FORBIDDEN;
                default -> status >= 500 ? SERVER_ERROR : BAD_REQUEST;
            };
        }
    }

    private final Kind kind;
    private final int status;
    private final Long retryAfterMs;

    public ProviderException(Kind kind, int status, Long retryAfterMs, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.retryAfterMs = retryAfterMs;
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status, or 0 when none was received. */
    public int status() {
        return status;
    }

    public Long retryAfterMs() {
        return retryAfterMs;
    }
}
