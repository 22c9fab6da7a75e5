package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fake DeepSeek on a real socket: {@code POST /chat/completions} answers with the streaming protocol
 * (SSE {@code chat.completion.chunk} events, {@code : keep-alive} comments, a usage chunk with empty
 * choices, {@code data: [DONE]}) cut into awkward network writes, or with DeepSeek's error bodies.
 * Tests queue {@link Reply replies}; with none queued it answers {@link #DEFAULT_ANSWER}.
 */
public final class FakeDeepSeek {

    public static final String API_KEY = "sk-test-0123456789abcdef";
    public static final String DEFAULT_ANSWER = "{\"intent\": \"order_status\", \"confidence\": 0.93, "
            + "\"entities\": [{\"type\": \"order_id\", \"value\": \"AB1234567\"}], \"sentiment\": \"neutral\", "
            + "\"handoff\": false, \"suggestions\": [\"Can I change the address?\"], "
            + "\"answer\": \"Your order AB1234567 \\\"ships\\\" today.\\n\\u4f60\\u597d \\ud83d\\ude00 — 已发货\"}";
    public static final String DEFAULT_ANSWER_TEXT = "Your order AB1234567 \"ships\" today.\n你好 \uD83D\uDE00 — 已发货";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeDeepSeek instance;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final Map<String, BlockingQueue<Reply>> prefixedReplies = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<Long> times = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<Integer> clientPorts = new CopyOnWriteArrayList<>();
    /** What to answer when no reply is queued (null: {@link #DEFAULT_ANSWER} streamed). */
    private volatile java.util.function.Supplier<Reply> defaultReplies;
    /** Open connections and when each last finished a response (0 while one is in flight). */
    private final Map<io.vertx.core.http.HttpConnection, long[]> connections = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long idleCloseMillis;
    private volatile double closeReusedShare;
    private final java.util.concurrent.atomic.AtomicInteger reusedClosed = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger idleClosed = new java.util.concurrent.atomic.AtomicInteger();

    public static synchronized FakeDeepSeek get() {
        if (instance == null) {
            instance = new FakeDeepSeek();
        }
        return instance;
    }

    /**
     * A fake of its own, apart from the shared one of {@link #get()} (for a test that changes how the
     * server behaves for its whole run); {@link #close()} it after.
     */
    public static FakeDeepSeek startNew() {
        return new FakeDeepSeek();
    }

    private FakeDeepSeek() {
        try {
            server = vertx.createHttpServer().connectionHandler(this::track).requestHandler(this::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake DeepSeek did not start", e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    /** Stops the server (only for a fake made with {@link #startNew()}). */
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Replies made on demand when none is queued (each request asks again); until {@link #reset()}. */
    public void replyWith(java.util.function.Supplier<Reply> replies) {
        defaultReplies = replies;
    }

    /**
     * Closes a kept-alive connection once it has been idle (no request in flight) for {@code millis},
     * as providers and their proxies do: a client reusing it just then sees it closed under its new
     * request. 0 (the default, and after {@link #reset()}) keeps connections open.
     */
    public void closeIdleConnectionsAfter(long millis) {
        idleCloseMillis = millis;
        if (millis > 0) {
            vertx.setPeriodic(Math.max(10, millis / 4), id -> {
                if (idleCloseMillis <= 0) {
                    vertx.cancelTimer(id);
                    return;
                }
                long now = System.nanoTime();
                connections.forEach((c, lastIdle) -> {
                    long since = lastIdle[0];
                    if (since != 0 && now - since > idleCloseMillis * 1_000_000L && connections.remove(c) != null) {
                        idleClosed.incrementAndGet();
                        c.close();
                    }
                });
            });
        }
    }

    /**
     * The other side of an idle timeout: a request arriving on a kept-alive connection (one that has
     * served a response already) finds it closed, with no response, in {@code share} of cases (the
     * server gave up on the connection just as the client reused it). 0 (default) never.
     */
    public void closeReusedConnections(double share) {
        closeReusedShare = share;
    }

    /** Requests that found their reused connection closed (see {@link #closeReusedConnections(double)}). */
    public int reusedConnectionsClosed() {
        return reusedClosed.get();
    }

    /** Kept-alive connections closed for being idle (see {@link #closeIdleConnectionsAfter(long)}). */
    public int idleConnectionsClosed() {
        return idleClosed.get();
    }

    private void track(io.vertx.core.http.HttpConnection connection) {
        connections.put(connection, new long[] {System.nanoTime(), 0});
        connection.closeHandler(v -> connections.remove(connection));
    }

    private void busy(io.vertx.core.http.HttpConnection connection, boolean busy) {
        long[] state = connections.get(connection);
        if (state != null) {
            state[0] = busy ? 0 : System.nanoTime();
        }
    }

    public void enqueue(Reply... more) {
        replies.addAll(Arrays.asList(more));
    }

    /** Replies for a second "provider" served under {@code /<prefix>/v1/chat/completions}. */
    public void enqueueFor(String prefix, Reply... more) {
        prefixedReplies.computeIfAbsent(prefix, k -> new LinkedBlockingQueue<>()).addAll(Arrays.asList(more));
    }

    /** Request paths, in the order of {@link #requests()}. */
    public List<String> paths() {
        return paths;
    }

    /** Arrival times (System.nanoTime) of the requests. */
    public List<Long> times() {
        return times;
    }

    /** How many requests went to the provider under {@code prefix} (null: the root provider). */
    public long count(String prefix) {
        return paths.stream().filter(p -> prefix == null ? p.equals("/chat/completions") : p.startsWith("/" + prefix + "/")).count();
    }

    /** Request bodies received, oldest first. */
    public List<JsonNode> requests() {
        return requests;
    }

    public List<String> authorizations() {
        return authorizations;
    }

    /** The client-side port of each request's connection: equal ports mean a reused connection. */
    public List<Integer> clientPorts() {
        return clientPorts;
    }

    public void reset() {
        clientPorts.clear();
        replies.clear();
        prefixedReplies.clear();
        paths.clear();
        times.clear();
        requests.clear();
        authorizations.clear();
        defaultReplies = null;
        idleCloseMillis = 0;
        closeReusedShare = 0;
    }

    private void handle(HttpServerRequest request) {
        io.vertx.core.http.HttpConnection connection = request.connection();
        long[] state = connections.get(connection);
        if (state != null && state[1]++ > 0 && closeReusedShare > 0
                && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < closeReusedShare) {
            reusedClosed.incrementAndGet();
            connections.remove(connection);
            connection.close(); // no response: the request met a connection the server had just closed
            return;
        }
        busy(connection, true);
        request.response().endHandler(v -> busy(connection, false));
        request.body().onSuccess(body -> {
            if (!request.path().endsWith("/chat/completions") || request.method().name().equals("GET")) {
                request.response().setStatusCode(404).end("{\"error\":{\"message\":\"Not Found\"}}");
                return;
            }
            try {
                requests.add(JSON.readTree(body.toString()));
            } catch (Exception e) {
                request.response().setStatusCode(400).end();
                return;
            }
            times.add(System.nanoTime());
            paths.add(request.path());
            authorizations.add(request.getHeader("Authorization"));
            clientPorts.add(request.connection().remoteAddress().port());
            String path = request.path();
            Reply reply = path.equals("/chat/completions") ? replies.poll()
                    : prefixedReplies.getOrDefault(path.substring(1, path.indexOf('/', 1)), new LinkedBlockingQueue<>()).poll();
            java.util.function.Supplier<Reply> made = defaultReplies;
            play(request.response(), reply != null ? reply : made != null ? made.get() : Reply.stream(DEFAULT_ANSWER));
        });
    }

    private void play(HttpServerResponse response, Reply reply) {
        response.setStatusCode(reply.status);
        reply.headers.forEach(response::putHeader);
        if (reply.status != 200) {
            response.end(reply.body);
            return;
        }
        response.setChunked(true);
        write(response, reply, 0);
    }

    private void write(HttpServerResponse response, Reply reply, int index) {
        if (response.closed()) {
            return;
        }
        if (index == reply.segments.size()) {
            if (reply.dropAtEnd) {
                response.reset(); // the connection dies without a clean end
            } else {
                response.end();
            }
            return;
        }
        Runnable next = () -> {
            if (!response.closed()) {
                response.write(Buffer.buffer(reply.segments.get(index)));
                write(response, reply, index + 1);
            }
        };
        long delay = reply.delays.get(index);
        if (delay > 0) {
            vertx.setTimer(delay, id -> next.run());
        } else {
            next.run();
        }
    }

    /** One scripted response. */
    public static final class Reply {
        int status = 200;
        String body = "";
        final Map<String, String> headers = new java.util.LinkedHashMap<>();
        final List<byte[]> segments = new ArrayList<>();
        final List<Long> delays = new ArrayList<>();
        boolean dropAtEnd;

        /** {@code content} streamed as the model's JSON in 3-character deltas, cut into 37-byte writes. */
        public static Reply stream(String content) {
            return stream(content, 3, 37, true);
        }

        public static Reply stream(String content, int deltaChars, int writeBytes, boolean finish) {
            return stream(content, deltaChars, writeBytes, finish, "stop");
        }

        /** {@code content}, then a clean end whose last choice says {@code finishReason} ({@code length}, {@code content_filter}). */
        public static Reply streamEndingWith(String content, String finishReason) {
            return stream(content, 3, 37, true, finishReason);
        }

        private static Reply stream(String content, int deltaChars, int writeBytes, boolean finish, String finishReason) {
            Reply r = new Reply();
            r.headers.put("Content-Type", "text/event-stream; charset=utf-8");
            r.headers.put("x-request-id", "req-header-1");
            StringBuilder sse = new StringBuilder();
            sse.append(": keep-alive\n\n");
            sse.append("data: ").append(FakeStreams.chunk(null, "assistant", null, null)).append("\n\n");
            for (int i = 0; i < content.length(); i += deltaChars) {
                sse.append("data: ").append(FakeStreams.chunk(content.substring(i, Math.min(content.length(), i + deltaChars)), null, null, null)).append("\r\n\r\n");
            }
            if (finish) {
                sse.append("data: ").append(FakeStreams.chunk("", null, finishReason, null)).append("\n\n");
                sse.append("data: ").append(FakeStreams.usageChunk(120, 40, 96, 24)).append("\n\n");
                sse.append("data: [DONE]\n\n");
            }
            r.addBytes(sse.toString().getBytes(StandardCharsets.UTF_8), writeBytes, 0);
            r.dropAtEnd = !finish;
            return r;
        }

        /** A reasoning model's stream: {@code reasoning_content} deltas first, then the answer. */
        public static Reply streamWithReasoning(String reasoning, String content) {
            return FakeStreams.withReasoning(reasoning, content);
        }

        /** A reply that calls tools (see {@link FakeStreams#toolCalls}). */
        public static Reply toolCalls(FakeStreams.Call... calls) {
            return FakeStreams.toolCalls(calls);
        }

        /** Raw SSE text as the response body, cut into {@code writeBytes}-byte writes. */
        static Reply ofSse(String sse, int writeBytes) {
            Reply r = new Reply();
            r.headers.put("Content-Type", "text/event-stream; charset=utf-8");
            r.addBytes(sse.getBytes(StandardCharsets.UTF_8), writeBytes, 0);
            return r;
        }

        /** Every write {@code millis} after the previous one: a slow model. */
        public Reply paced(long millis) {
            delays.replaceAll(d -> millis);
            return this;
        }

        /** The write after the first {@code segments} comes {@code millis} late: a model that stalls mid-answer. */
        public Reply stallAfter(int segments, long millis) {
            delays.set(segments, millis);
            return this;
        }

        /** An error with DeepSeek's body shape. */
        public static Reply error(int status, String message) {
            Reply r = new Reply();
            r.status = status;
            r.headers.put("Content-Type", "application/json");
            r.body = "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_request_error\"}}";
            return r;
        }

        public Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Comment lines only, {@code every} ms apart: a request waiting in the provider's queue. */
        public Reply keepAlivesFirst(int count, long every) {
            List<byte[]> s = new ArrayList<>();
            List<Long> d = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                s.add(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                d.add(every);
            }
            segments.addAll(0, s);
            delays.addAll(0, d);
            return this;
        }

        private void addBytes(byte[] bytes, int size, long delay) {
            for (int i = 0; i < bytes.length; i += size) {
                segments.add(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
                delays.add(delay);
            }
        }
    }
}
