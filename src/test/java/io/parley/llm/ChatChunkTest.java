package io.parley.llm;

import io.parley.answer.Usage;

import com.fasterxml.jackson.core.JsonFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stream events as DeepSeek and SiliconFlow send them, read without a tree. */
class ChatChunkTest {

    private final JsonFactory factory = new JsonFactory();

    @Test
    void contentDeltaWithUnknownFieldsAround() throws Exception {
        ChatChunk c = ChatChunk.parse(factory, """
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1764374400,"model":"deepseek-v4-flash",
                 "system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"你好 \\"x\\" 😀","extra":{"a":[1,2]}},
                 "logprobs":null,"finish_reason":null}],"usage":null}""");
        assertThat(c).isEqualTo(new ChatChunk("chatcmpl-1", "deepseek-v4-flash", "你好 \"x\" 😀", null, null, null));
    }

    @Test
    void reasoningFinishAndUsage() throws Exception {
        assertThat(ChatChunk.parse(factory, """
                {"id":"r","choices":[{"index":0,"delta":{"reasoning_content":"think","content":null}}]}""").reasoning())
                .isEqualTo("think");
        assertThat(ChatChunk.parse(factory, """
                {"id":"r","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""").finishReason()).isEqualTo("stop");
        ChatChunk usage = ChatChunk.parse(factory, """
                {"id":"r","choices":[],"usage":{"prompt_tokens":200,"completion_tokens":90,"total_tokens":290,
                 "prompt_cache_hit_tokens":150,"prompt_cache_miss_tokens":50,
                 "completion_tokens_details":{"reasoning_tokens":60},"prompt_tokens_details":{"cached_tokens":150}}}""");
        assertThat(usage.usage()).isEqualTo(new ChatChunk.Usage(200, 90, 150, 50, 60));
        assertThat(usage.content()).isNull();
    }

    @Test
    void onlyTheFirstChoiceCounts() throws Exception {
        ChatChunk c = ChatChunk.parse(factory, """
                {"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"},"finish_reason":"length"}]}""");
        assertThat(c.content()).isEqualTo("a");
        assertThat(c.finishReason()).isNull();
    }

    @Test
    void anErrorEventAndUnreadableDataAreTold() {
        assertThatThrownBy(() -> ChatChunk.parse(factory, """
                {"error":{"message":"Internal error","type":"server_error"}}""")).isInstanceOf(ChatChunk.ErrorEvent.class);
        assertThatThrownBy(() -> ChatChunk.parse(factory, "[1,2]")).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> ChatChunk.parse(factory, "{\"choices\":[{\"delta\":")).isInstanceOf(java.io.IOException.class);
    }
}
