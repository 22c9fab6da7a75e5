package io.parley.chat;

import io.quarkus.websockets.next.OnClose;
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

    private final ChatProtocol protocol;

    ChatSocket(ChatProtocol protocol) {
        this.protocol = protocol;
    }

    @OnTextMessage
    Uni<Void> onFrame(WebSocketConnection connection, String frame) {
        return protocol.onFrame(connection, frame);
    }

    @OnClose
    void onClose(WebSocketConnection connection) {
        protocol.onClose(connection);
    }
}
