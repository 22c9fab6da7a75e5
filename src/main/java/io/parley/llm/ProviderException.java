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

        /** What an operator should check, in the guide's error template ({@code resolution_steps} of the log line). */
        public java.util.List<String> resolutionSteps() {
            return switch (this) {
                case UNAUTHORIZED -> java.util.List.of("check the API key (PARLEY_LLM_API_KEY or the provider's api-key)",
                        "check that the key belongs to this provider's base URL");
                case INSUFFICIENT_BALANCE, FORBIDDEN -> java.util.List.of("check the account's balance and verification on the provider's console",
                        "until then the next link of the fallback chain answers");
                case RATE_LIMITED -> java.util.List.of("backoff is active (Retry-After honoured)",
                        "consider raising the account's rate limit, or lower parley.llm.max-concurrent");
                case SERVER_ERROR, FIRST_TOKEN_TIMEOUT, CONNECTION -> java.util.List.of("check the provider's status page",
                        "check the network path to the provider's base URL",
                        "the circuit breaker skips the provider while it keeps failing; the fallback chain answers");
                case IDLE_TIMEOUT, TOTAL_TIMEOUT, STREAM_BROKEN -> java.util.List.of("check the provider's status page",
                        "if it repeats, raise parley.llm.idle-timeout / total-timeout or lower max-tokens");
                case BAD_REQUEST -> java.util.List.of("read the detail: the request was refused (model id, response_format, max_tokens)",
                        "check parley.llm.model and the tier's parameters against the provider's documentation");
                case CANCELLED -> java.util.List.of("nothing to fix: Parley dropped the request itself (shutdown, or a call another link answered)");
            };
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
