package io.parley.integration.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands the call's {@code authorization} metadata to the service (the key is checked there, on a
 * worker thread), and tells it when the client cancels the call or its deadline passes: the
 * service's unary Uni is not cancelled by the server itself, and the model request must stop.
 */
@ApplicationScoped
@GlobalInterceptor
public class KeyInterceptor implements ServerInterceptor {

    static final Context.Key<String> KEY = Context.key("parley.key");
    static final Context.Key<Cancelled> CANCELLED = Context.key("parley.cancelled");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** What to do when the call is cancelled: run at once if it already was. */
    static final class Cancelled {
        private static final Runnable DONE = () -> { };
        private final AtomicReference<Runnable> action = new AtomicReference<>();

        void then(Runnable onCancel) {
            if (action.getAndSet(onCancel) == DONE) {
                onCancel.run();
            }
        }

        void fire() {
            Runnable r = action.getAndSet(DONE);
            if (r != null && r != DONE) {
                r.run();
            }
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Cancelled cancelled = new Cancelled();
        Context context = Context.current().withValue(KEY, headers.get(AUTHORIZATION)).withValue(CANCELLED, cancelled);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(Contexts.interceptCall(context, call, headers, next)) {
            @Override
            public void onCancel() {
                cancelled.fire();
                super.onCancel();
            }
        };
    }
}
