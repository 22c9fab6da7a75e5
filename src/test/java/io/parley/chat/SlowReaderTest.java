package io.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.parley.testing.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 2 of issue 14: clients that ask for a long history and never read must not hold the
 * server's memory or its threads. Real sockets that do the WebSocket handshake by hand, with a
 * small receive buffer, and then never read.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@TestProfile(SlowReaderTest.ShortTimeouts.class)
class SlowReaderTest {

    /** A stalled reader is given up on within seconds instead of the production minute. */
    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.chat.drain-timeout", "4s", "parley.chat.write-timeout", "6s",
                    "quarkus.websockets-next.server.auto-ping-interval", "2s");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES = 600;
    private static final int TEXT_CHARS = 4000;
    private static final int STALLED = 100;
    /**
     * The history in UTF-8 (Chinese text, 3 bytes a character): what an unbounded server tries to queue
     * for each stalled socket, 7.2 MB, more than the kernel's socket buffers take (4 MB at most here).
     */
    private static final long HISTORY_BYTES = (long) MESSAGES * TEXT_CHARS * 3;

    @TestHTTPResource("/ws/chat")
    URI chat;

    @TestHTTPResource("/")
    URI root;

    @Inject
    AgroalDataSource db;

    @Inject
    ChatConfig config;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void stalledReadersAreClosedWhileTheServerStaysResponsiveAndSlowReadersGetEverything() throws Exception {
        String token = "slow-" + UUID.randomUUID();
        String conversation = conversationWithLongHistory(token);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED; i++) {
                stalled.add(stalledReader(token));
            }
            // others are served meanwhile: a new customer chats
            try (ChatClient other = ChatClient.connect(root.resolve("/ws/chat"))) {
                other.send(Map.of("type", "hello")).nextOfType("ready");
                assertThat(other.send(Map.of("type", "message", "id", UUID.randomUUID().toString(), "text", "hello"))
                        .nextOfType("answer.end").path("text").asText()).isNotBlank();
            }
            long budget = (long) STALLED * config.sendQueueBytes();
            long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            long peak = 0;
            while (System.nanoTime() < deadline) {
                peak = Math.max(peak, queuedBytes());
                long started = System.nanoTime();
                assertThat(ready()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
                Thread.sleep(300);
            }
            System.out.printf("[slow-readers] %d stalled sockets, peak queued %d bytes (budget %d, unbounded %d)%n",
                    STALLED, peak, budget, STALLED * HISTORY_BYTES);
            assertThat(peak).isLessThanOrEqualTo(budget);

            // a slow reader gets the whole history in order

            assertThat(slowReaderSeqs(token)).hasSize(MESSAGES).isSorted().doesNotHaveDuplicates();

            // the stalled ones were closed by the server (1013, or cut), each after far less than the history
            for (Socket s : stalled) {
                Closed closed = readUntilClosed(s, Duration.ofSeconds(30));
                assertThat(closed.closedByServer()).as("the server closed a socket that did not read").isTrue();
                assertThat(closed.code()).isIn(1013, null);
                assertThat(closed.bytes()).isLessThan(HISTORY_BYTES);
            }
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (queuedBytes() > 0 && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(queuedBytes()).as("nothing stays queued for closed sockets").isZero();
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
        assertThat(conversation).isNotNull();
    }

    /** A conversation with 600 messages of 4000 characters, inserted in one statement. */
    private String conversationWithLongHistory(String token) throws Exception {
        Sql sql = new Sql(db::getConnection);
        String id = UUID.randomUUID().toString();
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        sql.execute("insert into conversation (id, token_hash, last_seq) values ('" + id + "', '" + hash + "', " + MESSAGES + ")");
        sql.execute("insert into message (conversation_id, seq, msg_id, role, text) select '" + id + "', s, 'bulk-' || s, 'agent', "
                + "lpad(s::text, 6, '0') || repeat('字', " + (TEXT_CHARS - 6) + ") from generate_series(1, " + MESSAGES + ") s");
        return id;
    }

    /** The handshake by hand, {@code hello {token, lastSeq: 0}}, and then never a read. */
    private Socket stalledReader(String token) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", chat.getPort()), 2000);
        s.setSoTimeout(5000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        OutputStream out = s.getOutputStream();
        out.write(("GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1:" + chat.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = readHeaders(s.getInputStream());
        assertThat(response).startsWith("HTTP/1.1 101");
        out.write(maskedText("{\"type\":\"hello\",\"token\":\"" + token + "\",\"lastSeq\":0}"));
        out.flush();
        return s;
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("handshake cut: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** A client frame (clients must mask), text, under 126 bytes. */
    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private record Closed(boolean closedByServer, Integer code, long bytes) {
    }

    /** Reads what the server sent, frame by frame, until its close frame, the end of the stream, a reset, or the time limit. */
    private static Closed readUntilClosed(Socket s, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        s.setSoTimeout(1000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        long bytes = 0;
        try {
            while (System.nanoTime() < deadline) {
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException quiet) {
                    continue;
                }
                if (first < 0) {
                    return new Closed(true, null, bytes);
                }
                long length = in.readUnsignedByte() & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                bytes += length;
                if ((first & 0x0f) == 0x8) {
                    return new Closed(true, payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : null, bytes);
                }
            }
            return new Closed(false, null, bytes);
        } catch (EOFException | SocketException cut) {
            return new Closed(true, null, bytes);
        }
    }

    /** A client that reads, slowly (a pause per frame): it is paced, never closed, and misses nothing. */
    private List<Long> slowReaderSeqs(String token) throws Exception {
        List<Long> seqs = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(chat.toString().replaceFirst("^http", "ws")), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        JsonNode frame = JSON.readTree(text.toString());
                        if ("message".equals(frame.path("type").asText())) {
                            seqs.add(frame.path("seq").asLong());
                            if (seqs.size() == MESSAGES) {
                                done.complete(null);
                            }
                        }
                        Thread.sleep(2);
                    } catch (Exception e) {
                        done.completeExceptionally(e);
                    }
                    text.setLength(0);
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
                done.completeExceptionally(new AssertionError("a reading client was closed: " + statusCode + " " + reason));
                return null;
            }
        }).get(5, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"hello\",\"token\":\"" + token + "\",\"lastSeq\":0}", true).get(5, TimeUnit.SECONDS);
        try {
            done.get(60, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
        return seqs;
    }

    private int ready() throws Exception {
        return http.send(HttpRequest.newBuilder(root.resolve("/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The gauge of bytes queued to sockets and not yet written, from the Prometheus endpoint. */
    private long queuedBytes() throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(root.resolve("/q/metrics")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("parley_chat_send_queue_bytes"))
                .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no parley_chat_send_queue_bytes gauge"));
    }
}
