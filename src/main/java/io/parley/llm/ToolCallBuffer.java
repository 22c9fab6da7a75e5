package io.parley.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tool calls of one streamed reply, put together from their pieces: a call's arguments arrive as
 * JSON text split across chunks anywhere (inside a string, a number, a key). Bounded: at most
 * {@link #MAX_CALLS} calls of at most {@link #MAX_ARGUMENT_CHARS} characters of arguments each; what is
 * beyond is dropped and the call is then malformed (its arguments no longer parse), never kept growing.
 */
final class ToolCallBuffer {

    static final int MAX_CALLS = 8;
    static final int MAX_ARGUMENT_CHARS = 16_384;

    private static final class Building {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
        boolean cut;
    }

    private final Map<Integer, Building> calls = new TreeMap<>();

    void add(List<ChatChunk.ToolCallDelta> deltas) {
        for (ChatChunk.ToolCallDelta d : deltas) {
            Building b = calls.get(d.index());
            if (b == null) {
                if (calls.size() >= MAX_CALLS) {
                    continue;
                }
                b = new Building();
                calls.put(d.index(), b);
            }
            if (d.id() != null && b.id == null) {
                b.id = d.id();
            }
            if (d.name() != null) {
                b.name = b.name == null ? d.name() : b.name.length() < 64 ? b.name + d.name() : b.name;
            }
            if (d.arguments() != null) {
                if (b.arguments.length() + d.arguments().length() > MAX_ARGUMENT_CHARS) {
                    b.cut = true;
                } else {
                    b.arguments.append(d.arguments());
                }
            }
        }
    }

    boolean any() {
        return !calls.isEmpty();
    }

    /** The whole calls, in index order; a call the model sent without an id gets one. */
    List<ChatRequest.ToolCall> calls() {
        List<ChatRequest.ToolCall> out = new ArrayList<>(calls.size());
        calls.forEach((index, b) -> out.add(new ChatRequest.ToolCall(b.id != null ? b.id : "call_" + index, b.name,
                b.cut ? b.arguments + "\u0000cut" : b.arguments.toString())));
        return out;
    }
}
