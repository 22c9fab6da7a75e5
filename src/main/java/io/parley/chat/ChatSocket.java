package io.parley.chat;

import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import org.jboss.logging.Logger;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * The customer socket, protocol version 1 (docs/protocol.md). Thin: frames go to {@link ChatProtocol}.
 * Frames are read on the event loop (returning a Uni makes the handler non-blocking), their database
 * work runs on worker threads; frames of one connection are handled one at a time, in order.
 */
@WebSocket(path = "/ws/chat")
public class ChatSocket {

    private static final Logger LOG = Logger.getLogger(ChatSocket.class);

    private final ChatProtocol protocol;

    ChatSocket(ChatProtocol protocol) {
        this.protocol = protocol;
    }

    /** On the event loop: counting the socket under its address needs no database. */
    @OnOpen
    @io.smallrye.common.annotation.NonBlocking
    void onOpen(WebSocketConnection connection) {
        protocol.onOpen(connection);
    }

    @OnTextMessage
    Uni<Void> onFrame(WebSocketConnection connection, String frame) {
        return protocol.onFrame(connection, frame);
    }

    /** The protocol is JSON text: a binary frame gets a clear error instead of silence; the connection goes on. */
    @OnBinaryMessage
    void onBinary(WebSocketConnection connection, io.vertx.core.buffer.Buffer frame) {
        protocol.refuseBinary(connection);
    }

    /** A client that vanishes (connection reset) is routine: it resumes with hello and lastSeq; no stack trace per socket. */
    @OnError
    void onError(WebSocketConnection connection, Throwable failure) {
        LOG.debugf("customer socket %s failed: %s", connection.id(), failure.getMessage());
    }

    @OnClose
    void onClose(WebSocketConnection connection) {
        protocol.onClose(connection);
    }
}
