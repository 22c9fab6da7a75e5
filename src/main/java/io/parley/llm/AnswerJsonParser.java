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
 *
 * <p>Models do not always send the bare object. Whatever comes before it is never answer text:
 * prose ("Sure, here is the JSON:"), a code fence, a {@code <think>} block. The parser looks for
 * the first {@code {"} outside a think block and follows the object from there; if that object
 * turns out not to be JSON before any answer text came, it looks again after its brace. Anything
 * after the object (a closing fence, more prose) is ignored. Content with no object at all is
 * plain text: it is reported by nobody while streaming (it may still turn out to be a preamble) and
 * read at the end with {@link #plainText()}.
 */
public final class AnswerJsonParser {

    /** Receives what becomes known, in order. */
    public interface Listener {
        void field(String name, JsonNode value);

        void answerStarted();

        void answerText(String text);
    }

    private enum State { SEEK, THINK, KEY_OR_END, KEY, COLON, VALUE, ANSWER, RAW_VALUE, AFTER_VALUE, DONE, BROKEN }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String THINK_OPEN = "<think>";
    private static final String THINK_CLOSE = "</think>";

    private final Listener listener;
    private final StringBuilder raw = new StringBuilder();
    private final StringBuilder key = new StringBuilder();
    private final StringBuilder value = new StringBuilder();
    private final StringBuilder answer = new StringBuilder();
    private final Map<String, JsonNode> fields = new LinkedHashMap<>();
    private State state = State.SEEK;
    /** Index in {@link #raw} of the next character to read; moves back when a false start is read again. */
    private int pos;
    /** Index of the brace of the object being followed, -1 when none. */
    private int objectStart = -1;
    private boolean objectSeen;
    // string decoding (keys and the answer)
    private boolean escape;
    private int unicodeDigits = -1;
    private int unicodeValue;
    // raw value scanning
    private int depth;
    private boolean inString;
    private boolean stringEscape;
    private boolean answerSeen;
    private boolean answerClosed;
    private String heldBack = "";

    public AnswerJsonParser(Listener listener) {
        this.listener = listener;
    }

    public void feed(String piece) {
        raw.append(piece);
        StringBuilder out = new StringBuilder(heldBack);
        heldBack = "";
        while (pos < raw.length()) {
            step(raw.charAt(pos++), out);
        }
        if (out.length() > 0 && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
            heldBack = out.substring(out.length() - 1);
            out.setLength(out.length() - 1);
        }
        if (out.length() > 0) {
            listener.answerText(out.toString());
        }
    }

    /** The object was followed to its closing brace. */
    public boolean complete() {
        return state == State.DONE;
    }

    /** No object was found (so far): the content is plain text, a preamble, or nothing. */
    public boolean notJson() {
        return !objectSeen;
    }

    public boolean answerSeen() {
        return answerSeen;
    }

    /** The answer string was read to its closing quote: the text is whole even if the object is not. */
    public boolean answerClosed() {
        return answerClosed;
    }

    /** Top-level fields of the object, each complete; {@code answer} once its string closed. */
    public Map<String, JsonNode> fields() {
        return fields;
    }

    /** The answer text decoded so far. */
    public String answer() {
        return answer.toString();
    }

    public String raw() {
        return raw.toString();
    }

    /** See {@link RawReply#plainText}. */
    public String plainText() {
        return RawReply.plainText(raw.toString());
    }

    /** See {@link RawReply#salvageAnswer}. */
    public String salvageAnswer() {
        return RawReply.salvageAnswer(raw.toString());
    }

    private void step(char c, StringBuilder out) {
        switch (state) {
            case SEEK -> {
                if (c == '{') {
                    startObject();
                } else if (c == '>' && endsWith(THINK_OPEN)) {
                    state = State.THINK;
                }
            }
            case THINK -> {
                if (c == '>' && endsWith(THINK_CLOSE)) {
                    state = State.SEEK;
                }
            }
            case KEY_OR_END -> {
                if (Character.isWhitespace(c) || c == ',') {
                    return;
                }
                if (c == '"') {
                    key.setLength(0);
                    state = State.KEY;
                } else if (c == '}' && !fields.isEmpty()) {
                    state = State.DONE;
                } else {
                    broken(); // not a key, or an empty object: a false start
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
                    broken();
                }
            }
            case VALUE -> {
                if (Character.isWhitespace(c)) {
                    return;
                }
                if ("answer".contentEquals(key) && c == '"' && !answerSeen) {
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
                    answerClosed = true;
                    fields.put("answer", JSON.getNodeFactory().textNode(answer.toString()));
                    state = State.AFTER_VALUE;
                } else if (decoded >= 0) {
                    answer.append((char) decoded);
                    out.append((char) decoded);
                }
            }
            case RAW_VALUE -> rawValue(c);
            case AFTER_VALUE -> {
                if (c == ',') {
                    state = State.KEY_OR_END;
                } else if (c == '}') {
                    state = State.DONE;
                } else if (!Character.isWhitespace(c)) {
                    broken();
                }
            }
            case DONE, BROKEN -> {
                // trailing text after the object (a fence, prose), or a reply we cannot follow: kept in raw only
            }
        }
    }

    private void startObject() {
        objectStart = pos - 1;
        objectSeen = true;
        fields.clear();
        state = State.KEY_OR_END;
    }

    /**
     * Not JSON after all. Before any answer text: a false start ("use code {SAVE10}"), so look again
     * right after its brace. After answer text reached the customer: stop following, keep the text.
     */
    private void broken() {
        escape = false;
        unicodeDigits = -1;
        if (answerSeen) {
            state = State.BROKEN;
            return;
        }
        pos = objectStart + 1;
        objectStart = -1;
        objectSeen = false;
        fields.clear();
        state = State.SEEK;
    }

    private boolean endsWith(String tag) {
        int from = pos - tag.length();
        if (from < 0) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            if (Character.toLowerCase(raw.charAt(from + i)) != tag.charAt(i)) {
                return false;
            }
        }
        return true;
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
                    if (c == '}') {
                        completeValue(State.DONE);
                    } else {
                        broken();
                    }
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
        JsonNode node;
        try {
            node = JSON.readTree(value.toString().trim());
        } catch (Exception e) {
            node = null;
        }
        if (node == null) {
            broken();
            return;
        }
        fields.put(name, node);
        state = next;
        listener.field(name, node);
    }

    private static final int END = -2;
    private static final int NOTHING = -1;

    /** One character of a JSON string body: the decoded char, NOTHING inside an escape, or END. */
    private int decode(char c) {
        if (unicodeDigits >= 0) {
            int digit = Character.digit(c, 16);
            if (digit < 0) {
                unicodeDigits = -1;
                broken();
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
