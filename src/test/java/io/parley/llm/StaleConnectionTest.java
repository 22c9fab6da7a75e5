package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.parley.testing.ChatClient;
import io.parley.testing.FakeDeepSeek;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kept-alive connections that the model server dropped while they sat idle in the pool (issue
 * "Nothing lost under chaos": 20 such resets opened the breaker in a calm run). The server here is a
 * plain HTTP/1.1 server on a real socket that forgets a connection once it has been idle for its
 * keep-alive time, and resets it when the next request arrives on it, as a server or a proxy that
 * dropped the connection without the client noticing does. Turns are spaced beyond that time.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(StaleConnectionTest.ForgetfulServerResource.class)
class StaleConnectionTest {

    /** The pool's idle timeout in this test; the server's keep-alive is set per test around it. */
    static final String POOL_IDLE = "2s";

    @TestHTTPResource("/ws/chat")
    URI chat;

    @Inject
    AgroalDataSource db;

    @Inject
    ProviderRegistry providers;

    @ConfigProperty(name = "parley.llm.base-url")
    String baseUrl;

    /** The server as the test sees it: through its control path, since it may live in another class loader. */
    ServerControl server;

    @BeforeEach
    void reset() throws Exception {
        CircuitBreakerMaintenance.get().resetAll();
        server = new ServerControl(URI.create(baseUrl + "/state"));
    }

    @Test
    void aConnectionDroppedWhileIdleIsRetriedOnAFreshOneAndIsNotAProviderFailure() throws Exception {
        // the server forgets a connection after 250 ms; the pool keeps it for 2 s: every reuse meets a dead connection
        server.reset(250);
        long staleBefore = client().staleRetries();
        List<JsonNode> answers = conversation(6, 600);

        assertThat(server.get("resets")).as("turns that met a dropped connection").isGreaterThanOrEqualTo(2);
        assertEveryAnswerCameFromTheModelAtTheFirstAttempt(answers);
        assertThat(client().staleRetries() - staleBefore).isEqualTo(server.get("resets"));
    }

    @Test
    void thePoolClosesIdleConnectionsBeforeTheServerDoes() throws Exception {
        // the server keeps idle connections 3.5 s, the pool 2 s (plus its sweep): no request meets a dropped connection
        server.reset(3500);
        List<JsonNode> answers = conversation(3, 3700);

        assertThat(server.get("resets")).as("requests written to a connection the server had dropped").isZero();
        assertThat(server.get("connections")).as("a new connection after each idle pause").isGreaterThanOrEqualTo(2);
        assertEveryAnswerCameFromTheModelAtTheFirstAttempt(answers);
    }

    private DeepSeekClient client() {
        return providers.get("deepseek").client();
    }

    private void assertEveryAnswerCameFromTheModelAtTheFirstAttempt(List<JsonNode> answers) throws Exception {
        assertThat(answers).allSatisfy(end -> {
            assertThat(end.path("source").asText()).isEqualTo("model");
            assertThat(end.path("text").asText()).isEqualTo(FakeDeepSeek.DEFAULT_ANSWER_TEXT);
        });
        assertThat(providers.get("deepseek").circuitState()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(server.get("requests")).as("model requests answered").isEqualTo(answers.size());
        Thread.sleep(300); // a failed attempt's row is written off the event loop
        String conversation = answers.get(0).path("conversationId").asText();
        List<Map<String, Object>> calls = new Sql(db::getConnection)
                .rows("select attempt, outcome from llm_call where conversation_id = ?::uuid order by id", conversation);
        assertThat(calls).as("one successful attempt per turn, no failed one")
                .extracting(c -> c.get("attempt") + ":" + c.get("outcome"))
                .containsOnly("1:ok").hasSize(answers.size());
    }

    /** One conversation of {@code turns} messages, each sent {@code pauseMs} after the previous answer ended. */
    private List<JsonNode> conversation(int turns, long pauseMs) throws Exception {
        List<JsonNode> ends = new ArrayList<>();
        try (ChatClient customer = ChatClient.connect(chat)) {
            String id = customer.send(Map.of("type", "hello")).nextOfType("ready").path("conversationId").asText();
            for (int i = 0; i < turns; i++) {
                if (i > 0) {
                    Thread.sleep(pauseMs);
                }
                String text = "where is my order AB123456" + i + "? (" + UUID.randomUUID() + ")";
                ObjectNode end = (ObjectNode) customer.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", text))
                        .nextOfType("answer.end");
                ends.add(end.put("conversationId", id));
            }
        }
        return ends;
    }

    /** Reads and sets the {@link ForgetfulServer}'s state over HTTP (JDK client, one connection per call). */
    record ServerControl(URI uri) {
        private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

        /** Zeroes the counters and sets the server's keep-alive. */
        void reset(long keepAliveMs) throws Exception {
            HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create(uri + "?keepAliveMs=" + keepAliveMs))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        }

        long get(String counter) throws Exception {
            String body = HTTP.send(java.net.http.HttpRequest.newBuilder(uri).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            for (String pair : body.split(" ")) {
                if (pair.startsWith(counter + "=")) {
                    return Long.parseLong(pair.substring(counter.length() + 1));
                }
            }
            throw new IllegalArgumentException(counter + " not in " + body);
        }
    }

    /** Points the primary provider at the {@link ForgetfulServer}. */
    public static class ForgetfulServerResource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("parley.llm.base-url", "http://127.0.0.1:" + ForgetfulServer.start(),
                    "parley.llm.api-key", "sk-stale-test-key",
                    "parley.llm.pool-idle-timeout", POOL_IDLE,
                    "parley.llm.retry.initial-backoff", "50ms",
                    "parley.llm.circuit-breaker.request-volume", "4");
        }

        @Override
        public void stop() {
            // one server per JVM
        }
    }

    /**
     * A minimal OpenAI-compatible HTTP/1.1 server (blocking sockets, a thread per connection) that keeps
     * connections alive but forgets them after {@code keepAliveMs} idle: a request arriving on a
     * forgotten connection gets a TCP reset before any byte of response. Quarkus may load the test
     * resource and the test in different class loaders, so the test reads and sets the state through
     * {@code GET/POST /state} (connections that only did that are not counted).
     */
    static final class ForgetfulServer {

        private static final ObjectMapper JSON = new ObjectMapper();
        private static Integer port;

        /** Starts the server (once per class loader); returns its port. */
        static synchronized int start() {
            if (port == null) {
                Map<String, AtomicLong> state = new ConcurrentHashMap<>();
                for (String k : List.of("keepAliveMs", "connections", "requests", "resets")) {
                    state.put(k, new AtomicLong());
                }
                state.get("keepAliveMs").set(60_000);
                try {
                    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                    Thread acceptor = new Thread(() -> accept(listener, state), "forgetful-server");
                    acceptor.setDaemon(true);
                    acceptor.start();
                    port = listener.getLocalPort();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return port;
        }

        private static void accept(ServerSocket listener, Map<String, AtomicLong> state) {
            while (true) {
                try {
                    Socket socket = listener.accept();
                    Thread t = new Thread(() -> serve(socket, state), "forgetful-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void serve(Socket socket, Map<String, AtomicLong> state) {
            try (socket) {
                socket.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                long lastResponse = -1;
                while (true) {
                    int first = in.read(); // blocks while the connection is idle in the client's pool
                    if (first < 0) {
                        return; // the client closed it
                    }
                    if (lastResponse >= 0 && (System.nanoTime() - lastResponse) / 1_000_000 > state.get("keepAliveMs").get()) {
                        state.get("resets").incrementAndGet();
                        socket.setSoLinger(true, 0); // close with RST: the connection is gone, nothing was answered
                        return;
                    }
                    String head = (char) first + readHead(in);
                    String lower = head.toLowerCase(Locale.ROOT);
                    int length = Integer.parseInt(header(lower, "content-length", "0"));
                    in.readNBytes(length);
                    String target = lower.substring(lower.indexOf(' ') + 1, lower.indexOf(' ', lower.indexOf(' ') + 1));
                    if (target.startsWith("/state")) {
                        control(target, state, out);
                        return;
                    }
                    if (lastResponse < 0) {
                        state.get("connections").incrementAndGet();
                    }
                    state.get("requests").incrementAndGet();
                    byte[] body = sse(FakeDeepSeek.DEFAULT_ANSWER).getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nx-request-id: req-stale-1\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    lastResponse = System.nanoTime();
                    if (header(lower, "connection", "keep-alive").equals("close")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        /** {@code POST /state?keepAliveMs=N} zeroes the counters and sets the keep-alive; {@code GET /state} reads them. */
        private static void control(String target, Map<String, AtomicLong> state, OutputStream out) throws IOException {
            int q = target.indexOf("?keepalivems=");
            if (q >= 0) {
                state.values().forEach(v -> v.set(0));
                state.get("keepAliveMs").set(Long.parseLong(target.substring(q + "?keepalivems=".length())));
            }
            StringBuilder body = new StringBuilder();
            state.forEach((k, v) -> body.append(k).append('=').append(v.get()).append(' '));
            byte[] bytes = body.toString().trim().getBytes(StandardCharsets.US_ASCII);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed in a request head");
                }
                head.append((char) c);
            }
            return head.toString();
        }

        private static String header(String lowerHead, String name, String otherwise) {
            for (String line : lowerHead.split("\r\n")) {
                if (line.startsWith(name + ":")) {
                    return line.substring(name.length() + 1).trim();
                }
            }
            return otherwise;
        }

        private static String sse(String content) {
            StringBuilder sse = new StringBuilder();
            for (int i = 0; i < content.length(); i += 8) {
                sse.append("data: ").append(chunk(content.substring(i, Math.min(content.length(), i + 8)), null)).append("\n\n");
            }
            sse.append("data: ").append(chunk("", "stop")).append("\n\n");
            ObjectNode usage = JSON.createObjectNode().put("id", "chatcmpl-stale-1").put("object", "chat.completion.chunk")
                    .put("model", "deepseek-v4-flash");
            usage.putArray("choices");
            usage.putObject("usage").put("prompt_tokens", 120).put("completion_tokens", 40).put("total_tokens", 160)
                    .put("prompt_cache_hit_tokens", 96).put("prompt_cache_miss_tokens", 24);
            sse.append("data: ").append(usage).append("\n\n").append("data: [DONE]\n\n");
            return sse.toString();
        }

        private static String chunk(String content, String finishReason) {
            ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-stale-1").put("object", "chat.completion.chunk")
                    .put("model", "deepseek-v4-flash");
            ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
            choice.putObject("delta").put("content", content);
            if (finishReason != null) {
                choice.put("finish_reason", finishReason);
            } else {
                choice.putNull("finish_reason");
            }
            return root.toString();
        }
    }
}
