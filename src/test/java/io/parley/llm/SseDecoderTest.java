package io.parley.llm;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseDecoderTest {

    private static final String WIRE = ": keep-alive\n\n"
            + "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
            + ": keep-alive\r\n\r\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"你好 \\\"wörld\\\" \\u4f60 😀\"}}]}\r\n\r\n"
            + "event: ignored\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3}}\n\n"
            + "data: [DONE]\n\n";

    @Test
    void everySplitOfTheWireGivesTheSameEvents() {
        byte[] bytes = WIRE.getBytes(StandardCharsets.UTF_8);
        List<String> whole = decode(List.of(bytes));
        assertThat(whole).hasSize(4);
        assertThat(whole.get(1)).contains("你好 \\\"wörld\\\" \\u4f60 😀");
        assertThat(whole.get(3)).isEqualTo("[DONE]");
        for (int cut = 1; cut < bytes.length; cut++) {
            List<byte[]> reads = List.of(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length));
            assertThat(decode(reads)).as("split at byte %d", cut).isEqualTo(whole);
        }
        List<byte[]> oneByteReads = new ArrayList<>();
        for (byte b : bytes) {
            oneByteReads.add(new byte[] {b});
        }
        assertThat(decode(oneByteReads)).isEqualTo(whole);
    }

    @Test
    void commentsAreCountedNotReturned() {
        SseDecoder sse = new SseDecoder();
        assertThat(sse.feed(": keep-alive\n\n: keep-alive\n\n".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(sse.comments()).isEqualTo(2);
    }

    @Test
    void multiLineDataIsJoinedAndALastEventWithoutBlankLineIsKept() {
        SseDecoder sse = new SseDecoder();
        List<String> events = new ArrayList<>(sse.feed("data: a\ndata:b\n\ndata: tail".getBytes(StandardCharsets.UTF_8)));
        events.addAll(sse.finish());
        assertThat(events).containsExactly("a\nb", "tail");
    }

    private static List<String> decode(List<byte[]> reads) {
        SseDecoder sse = new SseDecoder();
        List<String> events = new ArrayList<>();
        for (byte[] read : reads) {
            events.addAll(sse.feed(read));
        }
        events.addAll(sse.finish());
        return events;
    }
}
