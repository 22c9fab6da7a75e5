package io.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;

import java.util.regex.Pattern;

/** What the customer socket and the agent socket check alike in a client's frame. */
public final class FrameInput {

    /** Client-made message ids (the idempotency key): a UUID or similar. */
    public static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    public static final String MESSAGE_ID_RULE = "\"id\" must be a client-made id such as a UUID (letters, digits, - _ . :, at most 100).";
    private static final UserData.TypedKey<Long> LAST_TYPING = new UserData.TypedKey<>("parley.typing");

    private FrameInput() {
    }

    /** A JSON object with a string {@code type}, or a message saying what is wrong with it. */
    public record Parsed(JsonNode frame, String problem) {
        public String type() {
            return frame.get("type").asText();
        }
    }

    public static Parsed parse(ObjectMapper json, String raw) {
        JsonNode frame;
        try {
            frame = json.readTree(raw);
        } catch (Exception e) {
            return new Parsed(null, "The frame is not valid JSON.");
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
            return new Parsed(null, "A frame is a JSON object with a string field \"type\".");
        }
        return new Parsed(frame, null);
    }

    /**
     * Whether text a person sent can be stored as it is: PostgreSQL's text refuses NUL, and UTF-8
     * cannot carry a lone UTF-16 surrogate. Refused with a clear error instead of a storage failure
     * the client would retry forever. U+FFFD is refused too: Vert.x decodes a text frame that is not
     * UTF-8 into it (before Parley sees the bytes), and damaged text must not be stored as if written.
     */
    public static boolean storable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c == '\uFFFD') {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    public static final String STORABLE_RULE = "Text must be valid UTF-8 and may not contain NUL characters or broken Unicode.";

    public static boolean validId(JsonNode id) {
        return id.isTextual() && MESSAGE_ID.matcher(id.asText()).matches();
    }

    /** Typing is relayed at most once a second per connection, whatever the client sends. */
    public static boolean typingAllowed(WebSocketConnection connection) {
        long now = System.nanoTime();
        Long last = connection.userData().get(LAST_TYPING);
        if (last != null && now - last < 1_000_000_000L) {
            return false;
        }
        connection.userData().put(LAST_TYPING, now);
        return true;
    }
}
