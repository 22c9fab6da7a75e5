package io.parley.llm;

import java.util.List;

/** One chat completion request: messages in order, the first being the system prompt. */
public record ChatRequest(String model, List<Msg> messages) {

    public record Msg(String role, String content) {
    }
}
