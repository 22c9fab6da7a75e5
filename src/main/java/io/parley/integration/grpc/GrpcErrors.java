package io.parley.integration.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.parley.failure.ParleyException;

/** Parley's error codes as gRPC statuses; the wire code and the retry time travel in the trailers. */
final class GrpcErrors {

    static final Metadata.Key<String> CODE = Metadata.Key.of("parley-code", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> RETRY_AFTER_MS = Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {
    }

    static StatusRuntimeException of(Throwable failure) {
        if (failure instanceof StatusRuntimeException s) {
            return s;
        }
        ParleyException e = ParleyException.of(failure);
        Status status = switch (e.code()) {
            case BAD_FRAME, TOO_LARGE, HELLO_REQUIRED -> Status.INVALID_ARGUMENT;
            case UNAUTHORIZED -> Status.UNAUTHENTICATED;
            case FORBIDDEN -> Status.PERMISSION_DENIED;
            case NOT_ALLOWED, CONVERSATION_CLOSED -> Status.FAILED_PRECONDITION;
            case RATE_LIMITED -> Status.RESOURCE_EXHAUSTED;
            case NOT_FOUND -> Status.NOT_FOUND;
                        case MODEL_UNAVAILABLE, STORAGE_UNAVAILABLE -> Status.UNAVAILABLE;
            default -> Status.INTERNAL;
        };
        Metadata trailers = new Metadata();
        trailers.put(CODE, e.code().wire);
        if (e.retryAfterMs() != null) {
            trailers.put(RETRY_AFTER_MS, Long.toString(e.retryAfterMs()));
        }
        return status.withDescription(e.getMessage()).asRuntimeException(trailers);
    }
}
