package io.parley.chat;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.inject.Singleton;

/**
 * Cuts a connection none of whose writes completed for {@code parley.chat.write-timeout}: a client
 * that stopped reading. Closing a WebSocket politely (1013) queues the close frame behind the very
 * frames the client does not read, so only the transport can end it. Healthy idle sockets are not
 * affected: {@code quarkus.websockets-next.server.auto-ping-interval} (shorter) writes a ping to them
 * that completes.
 */
@Singleton
class WriteTimeout implements HttpServerOptionsCustomizer {

    private final ChatConfig config;

    WriteTimeout(ChatConfig config) {
        this.config = config;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        apply(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        apply(options);
    }

    private void apply(HttpServerOptions options) {
        // the unit is shared with quarkus.http.idle-timeout, which Quarkus sets first
        options.setWriteIdleTimeout((int) Math.max(1, options.getIdleTimeoutUnit().convert(config.writeTimeout())));
    }
}
