package io.parley.llm;

import io.parley.failure.LogFields;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.util.List;

/** The JSON log's error fields of a failed model attempt or chain link. */
final class FailureFields {

    private FailureFields() {
    }

    /** The JSON log's fields for a failed attempt or link: the guide's error template (error_type, resolution_steps). */
    static LogFields fields(ModelRouter.Turn turn, String provider, Throwable failure) {
        List<String> steps = failure instanceof ProviderException p ? p.kind().resolutionSteps()
                : failure instanceof CircuitBreakerOpenException ? List.of("the provider kept failing: see its earlier error lines",
                        "the circuit closes again by itself after parley.llm.circuit-breaker.delay")
                : failure instanceof BulkheadException ? List.of("every stream to this provider is busy: scale out, or raise parley.llm.max-concurrent")
                : List.of("read the stack trace of this request_id");
        return LogFields.of("request_id", turn.turn(), "conversation_id", String.valueOf(turn.conversationId()),
                "provider", provider, "error_type", errorType(failure), "resolution_steps", LogFields.steps(steps));
    }

    static String errorType(Throwable failure) {
        if (failure instanceof ProviderException p) {
            return p.kind().name();
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return "CIRCUIT_OPEN";
        }
        if (failure instanceof BulkheadException) {
            return "BULKHEAD_FULL";
        }
        return failure.getClass().getSimpleName();
    }
}
