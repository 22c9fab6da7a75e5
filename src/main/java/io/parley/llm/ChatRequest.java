package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.List;

/**
 * One chat completion request: messages in order, the first being the system prompt, and the
 * {@code response_format} to send (null: none, the prompt alone asks for JSON).
 */
public record ChatRequest(String model, List<Msg> messages, JsonNode responseFormat) {

    /** JSON mode: {@code {"type": "json_object"}}. */
    static final JsonNode JSON_OBJECT = JsonNodeFactory.instance.objectNode().put("type", "json_object");

    /** A request in JSON mode. */
    public ChatRequest(String model, List<Msg> messages) {
        this(model, messages, JSON_OBJECT);
    }

    public record Msg(String role, String content) {
    }
}
