package bench.peer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A chatbot that stores nothing: the subset of Parley's customer protocol (docs/protocol.md) that
 * bench/load.mjs speaks. hello → ready; message → answer.delta per model token, then answer.end. No
 * acknowledgement (nothing is stored to acknowledge); the chat memory is a window of the last messages,
 * kept per connection and dropped with it, as the quarkus-langchain4j chatbot sample keeps it.
 */
@WebSocket(path = "/ws/chat")
public class PeerSocket {

    private static final int MEMORY_MESSAGES = 10;
    private static final JsonObject SYSTEM = new JsonObject().put("role", "system")
            .put("content", "You are a customer-service assistant for an online shop. Answer briefly.");

    private final Model model;
    private final Map<String, Deque<JsonObject>> memories = new ConcurrentHashMap<>();

    PeerSocket(Model model) {
        this.model = model;
    }

    /** On the event loop, like Parley's frames: the model call is non-blocking too. */
    @OnTextMessage
    @NonBlocking
    void onFrame(WebSocketConnection connection, String frame) {
        JsonObject f = new JsonObject(frame);
        switch (f.getString("type", "")) {
            case "hello" -> send(connection, new JsonObject().put("type", "ready").put("conversationId", connection.id())
                    .put("token", "").put("seq", 0).put("status", "bot").put("protocol", 1));
            case "message" -> answer(connection, f.getString("id"), f.getString("text"));
            default -> send(connection, new JsonObject().put("type", "error").put("code", "bad_frame"));
        }
    }

    private void answer(WebSocketConnection connection, String turn, String text) {
        Deque<JsonObject> memory = memories.computeIfAbsent(connection.id(), id -> new ArrayDeque<>());
        remember(memory, new JsonObject().put("role", "user").put("content", text));
        JsonArray messages = new JsonArray().add(SYSTEM);
        memory.forEach(messages::add);
        model.stream(messages,
                token -> send(connection, new JsonObject().put("type", "answer.delta").put("turn", turn).put("text", token)),
                (answer, failure) -> {
                    if (failure != null) {
                        send(connection, new JsonObject().put("type", "error").put("code", "model_unavailable").put("turn", turn));
                        return;
                    }
                    remember(memory, new JsonObject().put("role", "assistant").put("content", answer));
                    send(connection, new JsonObject().put("type", "answer.end").put("turn", turn).put("role", "assistant")
                            .put("aiGenerated", true).put("text", answer));
                });
    }

    private static void remember(Deque<JsonObject> memory, JsonObject message) {
        memory.addLast(message);
        while (memory.size() > MEMORY_MESSAGES) {
            memory.removeFirst();
        }
    }

    private static void send(WebSocketConnection connection, JsonObject frame) {
        connection.sendText(frame.encode()).subscribe().with(v -> { }, e -> { });
    }

    @OnError
    void onError(WebSocketConnection connection, Throwable failure) {
        // a vanished client is routine here as in Parley: nothing to log per socket
    }

    @OnClose
    void onClose(WebSocketConnection connection) {
        memories.remove(connection.id());
    }
}
