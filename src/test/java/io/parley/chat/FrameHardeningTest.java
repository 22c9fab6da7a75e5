package io.parley.chat;

import io.parley.testing.AgentSession;
import io.parley.testing.ChatClient;
import io.parley.testing.PostgresResource;
import io.parley.testing.RawWebSocket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Frames an attacker can send cheaply: text that is not UTF-8, frames over the WebSocket layer's limit. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class FrameHardeningTest {

    @TestHTTPResource("/ws/chat")
    URI chat;

    @TestHTTPResource("/ws/agent")
    URI agent;

    private final List<LogRecord> severe = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                severe.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void textThatIsNotUtf8IsRefusedAndNothingIsStored() throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(chat)) {
            raw.sendText("{\"type\":\"hello\"}");
            assertThat(raw.nextOf(RawWebSocket.TEXT).text()).contains("\"ready\"");
            // 0xC3 0x28 is an invalid two-byte sequence; a lone 0xFF can never appear in UTF-8
            byte[] head = "{\"type\":\"message\",\"id\":\"bad-utf8\",\"text\":\"caf".getBytes();
            byte[] frame = new byte[head.length + 4];
            System.arraycopy(head, 0, frame, 0, head.length);
            frame[head.length] = (byte) 0xC3;
            frame[head.length + 1] = (byte) 0x28;
            frame[head.length + 2] = (byte) 0xFF;
            frame[head.length + 3] = '"';
            raw.send(RawWebSocket.TEXT, append(frame, "}".getBytes()));
            RawWebSocket.Frame reply = raw.next();
            assertThat(reply).isNotNull();
            if (reply.opcode() == RawWebSocket.CLOSE) {
                assertThat(reply.closeCode()).isEqualTo(1007); // RFC 6455: invalid frame payload data
            } else {
                assertThat(reply.text()).contains("\"error\"").contains("bad_frame").doesNotContain("\"type\":\"message\"");
            }
        }
        // nothing was stored under that id: a fresh connection works and the server is fine
        try (ChatClient customer = ChatClient.connect(chat)) {
            customer.send(Map.of("type", "hello")).nextOfType("ready");
            assertThat(customer.send(Map.of("type", "message", "id", "fine", "text", "café")).nextOfType("message")
                    .path("text").asText()).isEqualTo("café");
        }
    }

    @Test
    void framesOverTheSocketLimitCloseThatSocketWithoutFillingTheLog() throws Exception {
        byte[] huge = ("{\"type\":\"message\",\"id\":\"x\",\"text\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}").getBytes();
        String cookie = "Cookie: " + AgentSession.admin().cookieHeader() + "\r\n";
        for (int i = 0; i < 6; i++) {
            boolean console = i % 2 == 1;
            try (RawWebSocket raw = console ? RawWebSocket.connect(agent, cookie) : RawWebSocket.connect(chat)) {
                if (!console) {
                    raw.sendText("{\"type\":\"hello\"}");
                    raw.nextOf(RawWebSocket.TEXT);
                }
                try {
                    raw.send(RawWebSocket.TEXT, huge);
                } catch (java.io.IOException closedWhileSending) {
                    continue; // the server closed the socket before reading it all: that is the point
                }
                RawWebSocket.Frame close = raw.nextOf(RawWebSocket.CLOSE);
                if (close != null) {
                    assertThat(close.closeCode()).isEqualTo(1009); // message too big
                }
            }
        }
        Thread.sleep(300);
        assertThat(severe).as("ERROR lines logged for oversized frames: %s", severe.stream().map(LogRecord::getMessage).toList()).isEmpty();
        try (ChatClient customer = ChatClient.connect(chat)) {
            assertThat(customer.send(Map.of("type", "hello")).nextOfType("ready").path("type").asText()).isEqualTo("ready");
        }
    }

    private static byte[] append(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
