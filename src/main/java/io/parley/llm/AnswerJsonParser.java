package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the model's JSON answer while it is still arriving. Top-level fields other than
 * {@code answer} are reported whole as soon as each one is complete; the {@code answer} string is
 * reported piece by piece, unescaped. Pieces may split anywhere (inside an escape such as
 * {@code \u4f60} or {@code \"}); a high surrogate is held back until its pair arrives.
 * Content that does not start with an object is treated as plain answer text.
 */
public final class AnswerJsonParser {

    /** Receives what becomes known, in order. */
    public interface Listener {
        void field(String name, JsonNode value);

        void answerStarted();

        void answerText(String text);
    }

    private enum State { START, KEY_OR_END, KEY, COLON, VALUE, ANSWER, RAW_VALUE, AFTER_VALUE, DONE, NOT_JSON, BROKEN }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Listener listener;
    private final StringBuilder raw = new StringBuilder();
    private final StringBuilder key = new StringBuilder();
    private final StringBuilder value = new StringBuilder();
    private final StringBuilder answer = new StringBuilder();
    private final Map<String, JsonNode> fields = new LinkedHashMap<>();
    private State state = State.START;
    // string decoding (keys and the answer)
    private boolean escape;
    private int unicodeDigits = -1;
    private int unicodeValue;
    // raw value scanning
    private int depth;
    private boolean inString;
    private boolean stringEscape;
    private boolean answerSeen;
    private String heldBack = "";

    public AnswerJsonParser(Listener listener) {
        this.listener = listener;
    }

    public void feed(String piece) {
        raw.append(piece);
        StringBuilder out = new StringBuilder(heldBack);
        heldBack = "";
        for (int i = 0; i < piece.length(); i++) {
            step(piece.charAt(i), out);
        }
        if (out.length() > 0 && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
            heldBack = out.substring(out.length() - 1);
            out.setLength(out.length() - 1);
        }
        if (out.length() > 0) {
            listener.answerText(out.toString());
        }
    }

    /** The whole content was an object that parsed. */
    public boolean complete() {
        return state == State.DONE;
    }

    public boolean notJson() {
        return state == State.NOT_JSON;
    }

    public boolean answerSeen() {
        return answerSeen;
    }

    public Map<String, JsonNode> fields() {
        return fields;
    }

    /** The answer text decoded so far (for plain-text content: the content). */
    public String answer() {
        return answer.toString();
    }

    public String raw() {
        return raw.toString();
    }

    private void step(char c, StringBuilder out) {
        switch (state) {
            case START -> {
                if (Character.isWhitespace(c)) {
                    return;
                }
                if (c == '{') {
                    state = State.KEY_OR_END;
                } else {
                    state = State.NOT_JSON;
                    answerSeen = true;
                    listener.answerStarted();
                    emit(c, out);
                }
            }
            case NOT_JSON -> emit(c, out);
            case KEY_OR_END -> {
                if (Character.isWhitespace(c) || c == ',') {
                    return;
                }
                if (c == '"') {
                    key.setLength(0);
                    state = State.KEY;
                } else if (c == '}') {
                    state = State.DONE;
                } else {
                    state = State.BROKEN;
                }
            }
            case KEY -> {
                int decoded = decode(c);
                if (decoded == END) {
                    state = State.COLON;
                } else if (decoded >= 0) {
                    key.append((char) decoded);
                }
            }
            case COLON -> {
                if (c == ':') {
                    state = State.VALUE;
                } else if (!Character.isWhitespace(c)) {
                    state = State.BROKEN;
                }
            }
            case VALUE -> {
                if (Character.isWhitespace(c)) {
                    return;
                }
                if ("answer".contentEquals(key) && c == '"') {
                    state = State.ANSWER;
                    answerSeen = true;
                    listener.answerStarted();
                } else {
                    value.setLength(0);
                    depth = 0;
                    inString = false;
                    stringEscape = false;
                    state = State.RAW_VALUE;
                    rawValue(c);
                }
            }
            case ANSWER -> {
                int decoded = decode(c);
                if (decoded == END) {
                    fields.put("answer", JSON.getNodeFactory().textNode(answer.toString()));
                    state = State.AFTER_VALUE;
                } else if (decoded >= 0) {
                    emit((char) decoded, out);
                }
            }
            case RAW_VALUE -> rawValue(c);
            case AFTER_VALUE -> {
                if (c == ',') {
                    state = State.KEY_OR_END;
                } else if (c == '}') {
                    state = State.DONE;
                } else if (!Character.isWhitespace(c)) {
                    state = State.BROKEN;
                }
            }
            case DONE, BROKEN -> {
                // trailing text after the object, or a reply we cannot follow: kept in raw only
            }
        }
    }

    private void emit(char c, StringBuilder out) {
        answer.append(c);
        out.append(c);
    }

    private void rawValue(char c) {
        if (inString) {
            value.append(c);
            if (stringEscape) {
                stringEscape = false;
            } else if (c == '\\') {
                stringEscape = true;
            } else if (c == '"') {
                inString = false;
                if (depth == 0) {
                    completeValue(State.AFTER_VALUE);
                }
            }
            return;
        }
        switch (c) {
            case '"' -> {
                inString = true;
                value.append(c);
            }
            case '{', '[' -> {
                depth++;
                value.append(c);
            }
            case '}', ']' -> {
                if (depth == 0) {
                    completeValue(c == '}' ? State.DONE : State.BROKEN);
                } else {
                    depth--;
                    value.append(c);
                    if (depth == 0) {
                        completeValue(State.AFTER_VALUE);
                    }
                }
            }
            case ',' -> {
                if (depth == 0) {
                    completeValue(State.KEY_OR_END);
                } else {
                    value.append(c);
                }
            }
            default -> value.append(c);
        }
    }

    private void completeValue(State next) {
        String name = key.toString();
        try {
            JsonNode node = JSON.readTree(value.toString().trim());
            if (node == null) {
                state = State.BROKEN;
                return;
            }
            fields.put(name, node);
            listener.field(name, node);
            state = next;
        } catch (Exception e) {
            state = State.BROKEN;
        }
    }

    private static final int END = -2;
    private static final int NOTHING = -1;

    /** One character of a JSON string body: the decoded char, NOTHING inside an escape, or END. */
    private int decode(char c) {
        if (unicodeDigits >= 0) {
            int digit = Character.digit(c, 16);
            if (digit < 0) {
                state = State.BROKEN;
                return NOTHING;
            }
            unicodeValue = unicodeValue * 16 + digit;
            if (++unicodeDigits == 4) {
                unicodeDigits = -1;
                return unicodeValue;
            }
            return NOTHING;
        }
        if (escape) {
            escape = false;
            return switch (c) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'u' -> {
                    unicodeDigits = 0;
                    unicodeValue = 0;
                    yield NOTHING;
                }
                default -> c; // \" \\ \/
            };
        }
        if (c == '\\') {
            escape = true;
            return NOTHING;
        }
        return c == '"' ? END : c;
    }
}
