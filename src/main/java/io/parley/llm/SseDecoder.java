package io.parley.llm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Server-sent events from raw network reads. Reads may split anywhere, including inside a multi-byte
 * UTF-8 character, so bytes are collected up to a line end (a byte that never occurs inside a
 * multi-byte sequence) before decoding. Comment lines ({@code : keep-alive}) are counted, not returned.
 */
public final class SseDecoder {

    private byte[] line = new byte[256];
    private int lineLength;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean lastWasCr;
    private int comments;

    /** Feeds one network read; returns the {@code data} of every event it completed. */
    public List<String> feed(byte[] bytes) {
        List<String> events = new ArrayList<>(2);
        int from = 0; // start of the part of the current line within bytes
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != '\n' && b != '\r') {
                lastWasCr = false;
                continue;
            }
            append(bytes, from, i);
            from = i + 1;
            if (b == '\n' && lastWasCr) {
                lastWasCr = false; // the LF of a CRLF: the line already ended at CR
                continue;
            }
            lastWasCr = b == '\r';
            endLine(events);
        }
        append(bytes, from, bytes.length);
        return events;
    }

    /** Copies a run of line bytes at once (a byte at a time was a tenth of the stream's cost). */
    private void append(byte[] bytes, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
        }
        System.arraycopy(bytes, from, line, lineLength, n);
        lineLength += n;
    }

    /** At the end of the stream: an event not followed by a blank line still counts. */
    public List<String> finish() {
        List<String> events = new ArrayList<>(1);
        if (lineLength > 0) {
            endLine(events);
        }
        dispatch(events);
        return events;
    }

    /** Comment lines seen so far (providers send them while a request waits in their queue). */
    public int comments() {
        return comments;
    }

    private void endLine(List<String> events) {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (text.isEmpty()) {
            dispatch(events);
        } else if (text.charAt(0) == ':') {
            comments++;
        } else {
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            if ("data".equals(field)) {
                String value = colon < 0 ? "" : text.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            // event:, id: and retry: carry nothing the chat completions stream uses
        }
    }

    private void dispatch(List<String> events) {
        if (hasData) {
            events.add(data.toString());
            data.setLength(0);
            hasData = false;
        }
    }
}
