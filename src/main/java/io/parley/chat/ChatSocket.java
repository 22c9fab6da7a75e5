package io.parley.chat;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * The customer socket, protocol version 1 (docs/protocol.md). Thin: frames go to {@link ChatProtocol}.
 * Text handlers run on worker threads (they touch the database briefly); frames of one connection are
 * handled one at a time, in order.
 */
@WebSocket(path = "/ws/chat")
public class ChatSocket {

    private final ChatProtocol protocol;

    ChatSocket(ChatProtocol protocol) {
        this.protocol = protocol;
    }

    @OnTextMessage
    void onFrame(WebSocketConnection connection, String frame) {
        protocol.onFrame(connection, frame);
    }

    @OnClose
    void onClose(WebSocketConnection connection) {
        protocol.onClose(connection);
    }
}
