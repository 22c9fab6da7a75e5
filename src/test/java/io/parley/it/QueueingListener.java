package io.parley.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.http.WebSocket;
import java.util.Queue;
import java.util.concurrent.CompletionStage;

/**
 * Hands each whole text frame of a socket (or its close, or its error) to a client's own thread as an
 * event on a queue: the client's state is then touched by one thread only.
 */
final class QueueingListener implements WebSocket.Listener {

    /** A frame (or, with {@code frame} null, why the connection ended) from connection number {@code connection}. */
    record Event(int connection, JsonNode frame, String closed) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int id;
    private final Queue<Event> events;
    private final StringBuilder partial = new StringBuilder();

    QueueingListener(int id, Queue<Event> events) {
        this.id = id;
        this.events = events;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                events.add(new Event(id, JSON.readTree(partial.toString()), null));
            } catch (Exception e) {
                events.add(new Event(id, JSON.createObjectNode().put("type", "unparsable").put("raw", partial.toString()), null));
            }
            partial.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        events.add(new Event(id, null, "closed " + statusCode));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        events.add(new Event(id, null, "error " + error));
    }
}
