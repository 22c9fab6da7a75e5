package io.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The delta frame is written by hand: whatever the model sends must come out as the same text. */
class FramesTest {

    private final ObjectMapper json = new ObjectMapper();
    private final Frames frames = new Frames(json);

    @Test
    void deltaCarriesAnyTextUnchanged() throws Exception {
        String text = "He said \"hi\" \\ then\nnew line\ttab \u0001 control, 你好 😀, </script><img src=x onerror=alert(1)>";
        JsonNode f = json.readTree(frames.answerDelta("turn-\"1\"", text));

        assertThat(f.get("type").asText()).isEqualTo("answer.delta");
        assertThat(f.get("turn").asText()).isEqualTo("turn-\"1\"");
        assertThat(f.get("text").asText()).isEqualTo(text);
        assertThat(f.size()).isEqualTo(3);
    }

    @Test
    void emptyDeltaIsStillAFrame() throws Exception {
        JsonNode f = json.readTree(frames.answerDelta("t", ""));
        assertThat(f.get("text").asText()).isEmpty();
    }
}
