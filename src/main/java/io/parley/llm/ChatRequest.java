package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.List;

/**
 * One chat completion request: messages in order, the first being the system prompt, and the
 * {@code response_format} to send (null: none, the prompt alone asks for JSON).
 */
public record ChatRequest(String model, List<Msg> messages, JsonNode responseFormat, JsonNode tools, String toolChoice) {

    public ChatRequest(String model, List<Msg> messages, JsonNode responseFormat) {
        this(model, messages, responseFormat, null, null);
    }

    /** JSON mode: {@code {"type": "json_object"}}. */
    static final JsonNode JSON_OBJECT = JsonNodeFactory.instance.objectNode().put("type", "json_object");

    /** A request in JSON mode. */
    public ChatRequest(String model, List<Msg> messages) {
        this(model, messages, JSON_OBJECT);
    }

    /**
     * One message. An assistant message that called tools carries {@code toolCalls} (its content may be
     * null); a {@code tool} message answers the call named by {@code toolCallId}. A user message with
     * {@code images} is sent with its content as parts (the text, then each image); without images its
     * content stays a plain string, so text-only requests are unchanged byte for byte.
     */
    public record Msg(String role, String content, List<ToolCall> toolCalls, String toolCallId, List<Image> images) {

        public Msg(String role, String content) {
            this(role, content, List.of(), null, List.of());
        }

        public Msg(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
            this(role, content, toolCalls, toolCallId, List.of());
        }
    }

    /** An image sent to a vision model, inline as a {@code data:} URL (the attachment limit bounds its size). */
    public record Image(String mediaType, byte[] bytes) {

        public String dataUrl() {
            return "data:" + mediaType + ";base64," + java.util.Base64.getEncoder().encodeToString(bytes);
        }
    }

    /** A whole tool call as the model made it: {@code arguments} is its JSON text, as it arrived. */
    public record ToolCall(String id, String name, String arguments) {
    }
}
