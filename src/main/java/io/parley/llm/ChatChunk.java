package io.parley.llm;

import io.parley.answer.Usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * One {@code chat.completion.chunk} of the stream. The first delta may carry only a role, reasoning
 * models send {@code reasoning_content}, and the last chunk may carry only {@code usage}.
 */
public record ChatChunk(String id, String model, String content, String reasoning, String finishReason, Usage usage,
                        java.util.List<ToolCallDelta> toolCalls) {

    public ChatChunk(String id, String model, String content, String reasoning, String finishReason, Usage usage) {
        this(id, model, content, reasoning, finishReason, usage, java.util.List.of());
    }

    /**
     * A piece of a streamed tool call: the first piece of a call carries its {@code index}, {@code id} and
     * function name, later pieces with the same index only more of its {@code arguments} JSON text.
     */
    public record ToolCallDelta(int index, String id, String name, String arguments) {
    }

    public record Usage(Integer promptTokens, Integer completionTokens, Integer cacheHitTokens,
                        Integer cacheMissTokens, Integer reasoningTokens) {
    }

    /** Thrown by {@link #parse} for an event that carries {@code error} instead of a chunk. */
    static final class ErrorEvent extends Exception {
        ErrorEvent() {
            super(null, null, false, false);
        }
    }

    /**
     * Reads one event's JSON with a streaming parser: only the fields above are kept, the rest is
     * skipped without building a tree (this runs for every token of every stream).
     */
    static ChatChunk parse(JsonFactory factory, String data) throws IOException, ErrorEvent {
        try (JsonParser p = factory.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "a stream event is a JSON object");
            }
            String id = null;
            String model = null;
            String[] choice = new String[3]; // content, reasoning_content, finish_reason
            java.util.List<ToolCallDelta> calls = new java.util.ArrayList<>(0);
            Usage usage = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = string(p, value);
                    case "model" -> model = string(p, value);
                    case "choices" -> firstChoice(p, value, choice, calls);
                    case "usage" -> usage = usage(p, value);
                    case "error" -> throw new ErrorEvent();
                    default -> p.skipChildren();
                }
            }
            return new ChatChunk(id, model, choice[0], choice[1], choice[2], usage, calls.isEmpty() ? java.util.List.of() : calls);
        }
    }

    private static void firstChoice(JsonParser p, JsonToken value, String[] out, java.util.List<ToolCallDelta> calls) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        boolean first = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!first || p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            first = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if ("delta".equals(field) && v == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String d = p.currentName();
                        JsonToken dv = p.nextToken();
                        switch (d) {
                            case "content" -> out[0] = string(p, dv);
                            case "reasoning_content" -> out[1] = string(p, dv);
                            case "tool_calls" -> toolCalls(p, dv, calls);
                            default -> p.skipChildren();
                        }
                    }
                } else if ("finish_reason".equals(field)) {
                    out[2] = string(p, v);
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static void toolCalls(JsonParser p, JsonToken value, java.util.List<ToolCallDelta> calls) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            int index = calls.size();
            String id = null, name = null, arguments = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "index" -> index = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : index;
                    case "id" -> id = string(p, v);
                    case "function" -> {
                        if (v != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken fv = p.nextToken();
                            switch (f) {
                                case "name" -> name = string(p, fv);
                                case "arguments" -> arguments = string(p, fv);
                                default -> p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            calls.add(new ToolCallDelta(index, id, name, arguments));
        }
    }

    private static Usage usage(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        Integer prompt = null, completion = null, hit = null, miss = null, reasoning = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = integer(p, v);
                case "completion_tokens" -> completion = integer(p, v);
                case "prompt_cache_hit_tokens" -> hit = integer(p, v);
                case "prompt_cache_miss_tokens" -> miss = integer(p, v);
                case "completion_tokens_details" -> {
                    if (v == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String d = p.currentName();
                            JsonToken dv = p.nextToken();
                            if ("reasoning_tokens".equals(d)) {
                                reasoning = integer(p, dv);
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completion, hit, miss, reasoning);
    }

    private static String string(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static Integer integer(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getIntValue();
        }
        p.skipChildren();
        return null;
    }
}
