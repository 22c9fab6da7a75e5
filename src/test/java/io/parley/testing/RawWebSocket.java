package io.parley.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client written on a plain socket, for what well-behaved clients cannot do: send text
 * frames that are not UTF-8, or stop reading. Frames are sent masked, as RFC 6455 requires of clients.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int CLOSE = 0x8;

    /** One frame from the server. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket connect(URI wsUrl) throws IOException {
        return connect(wsUrl, "");
    }

    /** @param headers extra request header lines, each ending in CRLF (a Cookie, an Origin) */
    public static RawWebSocket connect(URI wsUrl, String headers) throws IOException {
        Socket socket = new Socket(wsUrl.getHost(), wsUrl.getPort());
        socket.setSoTimeout(10_000);
        RawWebSocket ws = new RawWebSocket(socket);
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String request = "GET " + wsUrl.getRawPath() + " HTTP/1.1\r\nHost: " + wsUrl.getHost() + ":" + wsUrl.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\n" + headers + "\r\n";
        ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String status = ws.readHeaders();
        if (!status.contains(" 101 ")) {
            socket.close();
            throw new IOException("upgrade refused: " + status);
        }
        return ws;
    }

    private String readHeaders() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
    }

    public RawWebSocket send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
        return this;
    }

    public RawWebSocket sendText(String text) throws IOException {
        return send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame, or null when the server closed the TCP connection or nothing came within the socket timeout. */
    public Frame next() throws IOException {
        try {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame(first & 0x0f, payload);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Frames until one of {@code opcode} arrives (returned), or null if the connection ends first. */
    public Frame nextOf(int opcode) throws IOException {
        for (Frame f = next(); f != null; f = next()) {
            if (f.opcode() == opcode) {
                return f;
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
