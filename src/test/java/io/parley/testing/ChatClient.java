package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A customer on a real WebSocket (the JDK's client), collecting every frame the server sends. */
public final class ChatClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final WebSocket socket;
    private volatile Integer closeCode;

    private ChatClient(URI uri) {
        this(uri, null, null);
    }

    private ChatClient(URI uri, String cookie, String origin) {
        this(uri, cookie, origin, null);
    }

    private ChatClient(URI uri, String cookie, String origin, String forwardedFor) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        if (origin != null) {
            builder.header("Origin", origin); // as a browser on that site would send it
        }
        if (forwardedFor != null) {
            builder.header("X-Forwarded-For", forwardedFor); // as a reverse proxy in front of Parley adds it
        }
        this.socket = builder.buildAsync(uri, new Listener()).join();
    }

    /** Opens a socket sending a Cookie header (an agent console's session), given its HTTP URL. */
    public static ChatClient connect(URI httpUrl, String cookie) {
        return connect(httpUrl, cookie, null);
    }

    /** Opens a socket as a page on {@code origin} would (and with a cookie, when given). */
    public static ChatClient connect(URI httpUrl, String cookie, String origin) {
        return new ChatClient(URI.create(httpUrl.toString().replaceFirst("^http", "ws")), cookie, origin);
    }

    /** Opens a socket through a proxy that says the client is {@code forwardedFor} (believed only from a trusted proxy). */
    public static ChatClient connectFrom(URI httpUrl, String forwardedFor) {
        return new ChatClient(URI.create(httpUrl.toString().replaceFirst("^http", "ws")), null, null, forwardedFor);
    }

    /** Opens a socket with a cookie (null: none) through a trusted proxy that names the client {@code forwardedFor}. */
    public static ChatClient connectFrom(URI httpUrl, String cookie, String forwardedFor) {
        return new ChatClient(URI.create(httpUrl.toString().replaceFirst("^http", "ws")), cookie, null, forwardedFor);
    }

    /** Opens {@code /ws/chat} on the app under test, given its HTTP URL. */
    public static ChatClient connect(URI httpUrl) {
        return new ChatClient(URI.create(httpUrl.toString().replaceFirst("^http", "ws")));
    }

    public ChatClient send(String rawFrame) {
        socket.sendText(rawFrame, true).join();
        return this;
    }

    public ChatClient sendBinary(byte[] frame) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(frame), true).join();
        return this;
    }

    public ChatClient send(Object frame) {
        return send(JSON.valueToTree(frame).toString());
    }

    /** The next frame, whatever it is. */
    public JsonNode next() {
        try {
            JsonNode f = inbox.poll(10, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame within 10 s; frames so far: " + seen);
            }
            seen.add(f);
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Frames up to and including the first one that matches. */
    public List<JsonNode> until(Predicate<JsonNode> match) {
        List<JsonNode> frames = new ArrayList<>();
        while (true) {
            JsonNode f = next();
            frames.add(f);
            if (match.test(f)) {
                return frames;
            }
        }
    }

    /** The first frame that matches (skipping the others). */
    public JsonNode nextMatching(Predicate<JsonNode> match) {
        List<JsonNode> frames = until(match);
        return frames.get(frames.size() - 1);
    }

    public List<JsonNode> untilType(String type) {
        return until(f -> type.equals(f.path("type").asText()));
    }

    public JsonNode nextOfType(String type) {
        List<JsonNode> frames = untilType(type);
        return frames.get(frames.size() - 1);
    }

    /** No frame arrives within {@code millis}. */
    public boolean quietFor(long millis) throws InterruptedException {
        JsonNode f = inbox.poll(millis, TimeUnit.MILLISECONDS);
        if (f != null) {
            seen.add(f);
        }
        return f == null;
    }

    /** The last frame taken with next(), until(), quietFor(). */
    public JsonNode seenLast() {
        return seen.isEmpty() ? null : seen.get(seen.size() - 1);
    }

    /** The close code the server sent, or null while open. */
    public Integer closeCode() {
        return closeCode;
    }

    public boolean isOpen() {
        return !socket.isOutputClosed() && closeCode == null;
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    inbox.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    inbox.add(JSON.createObjectNode().put("type", "unparsable").put("raw", partial.toString()));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode = statusCode;
            return null;
        }
    }
}
