package io.parley.chat;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * Where one follower of a conversation gets its frames: a customer or agent WebSocket, or another
 * channel (an SSE response, a gRPC stream, a REST call collecting its answer). The turn and the hub
 * speak only to sinks, so every channel runs the same turn (docs/architecture.md, "Channels").
 * Frames are the protocol's JSON text; a sink that is not a socket reads them back as it needs.
 */
public abstract class FrameSink {

    private static final UserData.TypedKey<FrameSink> SINK = new UserData.TypedKey<>("parley.sink");

    /** The frames sent and not yet written (the hub's bound on what one follower may hold). */
    volatile Outbox outbox;

    /** A name for log lines. */
    public abstract String id();

    public abstract boolean isOpen();

    /** Sends one frame; the Uni completes once it is written (the outbox counts it until then). */
    public abstract Uni<Void> sendText(String frame);

    /** Ends the follower (too slow a reader, a restart); {@code reason} carries the WebSocket close code. */
    public abstract Uni<Void> close(CloseReason reason);

    /** The one sink of a WebSocket connection. */
    public static FrameSink of(WebSocketConnection connection) {
        FrameSink sink = connection.userData().get(SINK);
        if (sink == null) {
            synchronized (connection) {
                sink = connection.userData().get(SINK);
                if (sink == null) {
                    sink = new Socket(connection);
                    connection.userData().put(SINK, sink);
                }
            }
        }
        return sink;
    }

    private static final class Socket extends FrameSink {
        private final WebSocketConnection connection;

        Socket(WebSocketConnection connection) {
            this.connection = connection;
        }

        @Override
        public String id() {
            return connection.id();
        }

        @Override
        public boolean isOpen() {
            return connection.isOpen();
        }

        @Override
        public Uni<Void> sendText(String frame) {
            return connection.sendText(frame);
        }

        @Override
        public Uni<Void> close(CloseReason reason) {
            return connection.close(reason);
        }
    }
}
