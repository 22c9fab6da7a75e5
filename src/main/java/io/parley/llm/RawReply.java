package io.parley.llm;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Readings of a model's whole raw reply when it was not a well-formed JSON answer. */
final class RawReply {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String THINK_OPEN = "<think>";

    private RawReply() {
    }

    /**
     * The content as plain text for a reply with no JSON object: think blocks (closed or not) and
     * code-fence lines removed, trimmed. Null when what is left still carries the envelope's syntax
     * (keys such as {@code "intent":}), which a customer must never see.
     */
    static String plainText(String raw) {
        String s = THINK_BLOCK.matcher(raw).replaceAll("");
        int open = s.indexOf(THINK_OPEN);
        if (open >= 0) {
            s = s.substring(0, open); // a think block that never closed
        }
        s = FENCE_LINE.matcher(s).replaceAll("").strip();
        boolean syntax = QUOTED_KEY.matcher(s).find() || (s.indexOf('{') >= 0 && BARE_KEY.matcher(s).find());
        return syntax ? null : s;
    }

    /**
     * The answer string of a reply too broken to follow (unquoted keys, trailing commas, single quotes
     * around other values): the first {@code "answer": "..."} in the raw content, unescaped up to its
     * closing quote or the end. Null when there is none.
     */
    static String salvageAnswer(String raw) {
        Matcher m = ANSWER_KEY.matcher(raw);
        if (!m.find()) {
            return null;
        }
        StringBuilder s = new StringBuilder("\"");
        boolean esc = false;
        for (int i = m.end(); i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (!esc && c == '"') {
                break;
            }
            esc = !esc && c == '\\';
            s.append(c);
        }
        if (esc) {
            s.setLength(s.length() - 1);
        }
        // a cut \\uXXXX escape: drop it
        s = new StringBuilder(CUT_UNICODE.matcher(s).replaceAll(""));
        try {
            return JSON.readTree(s.append('"').toString()).asText();
        } catch (Exception e) {
            return null;
        }
    }

    private static final Pattern THINK_BLOCK = Pattern.compile("(?s)<think>.*?</think>");
    private static final Pattern FENCE_LINE = Pattern.compile("(?m)^\\s*```[\\w-]*\\s*$|```");
    private static final String KEYS = "(intent|confidence|entities|sentiment|handoff|suggestions|answer)";
    /** {@code "intent":} anywhere, or {@code {intent:} / {@code , answer:} (unquoted keys) in text with a brace. */
    private static final Pattern QUOTED_KEY = Pattern.compile("[\"']" + KEYS + "[\"']\\s*:");
    private static final Pattern BARE_KEY = Pattern.compile("[{,]\\s*" + KEYS + "\\s*:");
    private static final Pattern ANSWER_KEY = Pattern.compile("[\"']?answer[\"']?\\s*:\\s*\"");
    private static final Pattern CUT_UNICODE = Pattern.compile("\\\\u[0-9a-fA-F]{0,3}$");

}
