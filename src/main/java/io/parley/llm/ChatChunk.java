package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One {@code chat.completion.chunk} of the stream. The first delta may carry only a role, reasoning
 * models send {@code reasoning_content}, and the last chunk may carry only {@code usage}.
 */
public record ChatChunk(String id, String model, String content, String reasoning, String finishReason, Usage usage) {

    public record Usage(Integer promptTokens, Integer completionTokens, Integer cacheHitTokens,
                        Integer cacheMissTokens, Integer reasoningTokens) {
    }

    static ChatChunk from(JsonNode node) {
        JsonNode choice = node.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        JsonNode u = node.path("usage");
        Usage usage = u.isObject()
                ? new Usage(integer(u, "prompt_tokens"), integer(u, "completion_tokens"),
                        integer(u, "prompt_cache_hit_tokens"), integer(u, "prompt_cache_miss_tokens"),
                        integer(u.path("completion_tokens_details"), "reasoning_tokens"))
                : null;
        return new ChatChunk(text(node, "id"), text(node, "model"), text(delta, "content"),
                text(delta, "reasoning_content"), text(choice, "finish_reason"), usage);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() ? v.asText() : null;
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNumber() ? v.intValue() : null;
    }
}
