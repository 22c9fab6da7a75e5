package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** More of the fake DeepSeek's scripted streams: reasoning, and function calling. */
public final class FakeStreams {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tool call of a scripted reply: {@code arguments} is sent as it is (it may be broken on purpose). */
    public record Call(String id, String name, String arguments) {
    }

    private FakeStreams() {
    }

    public static Call call(String id, String name, String arguments) {
        return new Call(id, name, arguments);
    }

    /**
     * DeepSeek's function-calling stream: a role chunk, then per call a first chunk with its index, id,
     * type and name and empty arguments, then the arguments JSON text in 4-character pieces (split inside
     * strings and keys, as providers do), then {@code finish_reason: tool_calls}, usage and [DONE]; cut
     * into 29-byte network writes.
     */
    static FakeDeepSeek.Reply toolCalls(Call... calls) {
        StringBuilder sse = new StringBuilder();
        sse.append("data: ").append(chunk(null, "assistant", null, null)).append("\n\n");
        for (int index = 0; index < calls.length; index++) {
            Call c = calls[index];
            ObjectNode first = delta();
            ObjectNode call = ((ArrayNode) first.at("/choices/0/delta").withArray("tool_calls")).addObject().put("index", index)
                    .put("id", c.id()).put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", "");
            sse.append("data: ").append(first).append("\n\n");
            for (int i = 0; i < c.arguments().length(); i += 4) {
                ObjectNode piece = delta();
                ((ArrayNode) piece.at("/choices/0/delta").withArray("tool_calls")).addObject().put("index", index)
                        .putObject("function").put("arguments", c.arguments().substring(i, Math.min(c.arguments().length(), i + 4)));
                sse.append("data: ").append(piece).append("\n\n");
            }
        }
        sse.append("data: ").append(chunk(null, null, "tool_calls", null)).append("\n\n");
        sse.append("data: ").append(usageChunk(150, 30, 128, 22)).append("\n\n");
        sse.append("data: [DONE]\n\n");
        return FakeDeepSeek.Reply.ofSse(sse.toString(), 29);
    }

    private static ObjectNode delta() {
        ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-fake-tools").put("object", "chat.completion.chunk")
                .put("created", 1764374400).put("model", "deepseek-v4-flash");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.putNull("finish_reason");
        return root;
    }

    /** A reasoning model's stream: {@code reasoning_content} deltas first, then the answer. */
    static FakeDeepSeek.Reply withReasoning(String reasoning, String content) {
        StringBuilder sse = new StringBuilder();
        for (int i = 0; i < reasoning.length(); i += 5) {
            ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-reasoner-1").put("object", "chat.completion.chunk")
                    .put("model", "deepseek-v4-pro");
            root.putArray("choices").addObject().put("index", 0).putObject("delta")
                    .put("reasoning_content", reasoning.substring(i, Math.min(reasoning.length(), i + 5))).putNull("content");
            sse.append("data: ").append(root).append("\n\n");
        }
        for (int i = 0; i < content.length(); i += 4) {
            sse.append("data: ").append(chunk(content.substring(i, Math.min(content.length(), i + 4)), null, null, null))
                    .append("\n\n");
        }
        ObjectNode usage = (ObjectNode) readTree(usageChunk(200, 90, 150, 50));
        ((ObjectNode) usage.get("usage")).putObject("completion_tokens_details").put("reasoning_tokens", 60);
        sse.append("data: ").append(usage).append("\n\n").append("data: [DONE]\n\n");
        return FakeDeepSeek.Reply.ofSse(sse.toString(), 41);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One {@code chat.completion.chunk} event's JSON: content, the role-only first delta, or the finishing one. */
    static String chunk(String content, String role, String finishReason, Object unused) {
        ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-fake-42").put("object", "chat.completion.chunk")
                .put("created", 1764374400).put("model", "deepseek-v4-flash");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (role != null) {
            delta.put("role", role).put("content", "");
        }
        if (content != null) {
            delta.put("content", content);
        }
        if (finishReason != null) {
            choice.put("finish_reason", finishReason);
        } else {
            choice.putNull("finish_reason");
        }
        return root.toString();
    }

    /** The usage chunk that ends a stream (empty choices). */
    static String usageChunk(int prompt, int completion, int hit, int miss) {
        ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-fake-42").put("object", "chat.completion.chunk")
                .put("created", 1764374400).put("model", "deepseek-v4-flash");
        root.putArray("choices");
        root.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion).put("prompt_cache_hit_tokens", hit).put("prompt_cache_miss_tokens", miss);
        return root.toString();
    }
}
