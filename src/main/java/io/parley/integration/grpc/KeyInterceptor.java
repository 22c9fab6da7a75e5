package io.parley.integration.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Hands the call's {@code authorization} metadata to the service; the key is checked there, on a worker thread. */
@ApplicationScoped
@GlobalInterceptor
public class KeyInterceptor implements ServerInterceptor {

    static final Context.Key<String> KEY = Context.key("parley.key");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(KEY, headers.get(AUTHORIZATION)), call, headers, next);
    }
}
