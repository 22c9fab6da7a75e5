package io.parley.chat;

import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open customer connections of each conversation on this instance: every frame of a turn goes to
 * all of them, so two tabs (or a tab that reconnected mid-answer) see the same conversation live.
 */
@ApplicationScoped
public class ConversationHub {

    private static final Logger LOG = Logger.getLogger(ConversationHub.class);

    private final Map<UUID, Set<WebSocketConnection>> rooms = new ConcurrentHashMap<>();

    public void join(UUID conversationId, WebSocketConnection connection) {
        rooms.computeIfAbsent(conversationId, id -> ConcurrentHashMap.newKeySet()).add(connection);
    }

    public void leave(UUID conversationId, WebSocketConnection connection) {
        rooms.computeIfPresent(conversationId, (id, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    public void broadcast(UUID conversationId, String frame) {
        Set<WebSocketConnection> room = rooms.get(conversationId);
        if (room != null) {
            for (WebSocketConnection c : room) {
                send(c, frame);
            }
        }
    }

    public void broadcastExcept(UUID conversationId, String frame, WebSocketConnection except) {
        Set<WebSocketConnection> room = rooms.get(conversationId);
        if (room != null) {
            for (WebSocketConnection c : room) {
                if (c != except) {
                    send(c, frame);
                }
            }
        }
    }

    /** Fire and forget: a closed socket must not fail the turn that the other sockets still follow. */
    public void send(WebSocketConnection connection, String frame) {
        if (connection.isOpen()) {
            connection.sendText(frame).subscribe().with(ok -> {
            }, failure -> LOG.debugf("frame not delivered to %s: %s", connection.id(), failure.getMessage()));
        }
    }

    public int connections(UUID conversationId) {
        Set<WebSocketConnection> room = rooms.get(conversationId);
        return room == null ? 0 : room.size();
    }
}
