package io.parley.privacy;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stable placeholders of one model request: the same detail gets the same placeholder in every
 * message of the request ({@code [PHONE_1]} in the history and in the new message alike), so the model
 * can still refer to it, and {@link #restore} puts the real values back in what it answers. Not
 * thread-safe: one per request, masked before it is sent, restored as its answer streams.
 */
public final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\[(EMAIL|ID_CARD|BANK_CARD|PHONE|ADDRESS)_(\\d{1,4})]");
    /** The longest placeholder ({@code [BANK_CARD_9999]}): a held tail never grows beyond it. */
    static final int LONGEST = 16;

    private final Map<String, String> byValue = new HashMap<>();
    private final Map<String, String> byPlaceholder = new HashMap<>();
    private final Map<PersonalData.Kind, Integer> counts = new EnumMap<>(PersonalData.Kind.class);

    /** {@code text} with each personal detail replaced by its placeholder. */
    public String mask(String text) {
        List<PersonalData.Span> spans = PersonalData.find(text);
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (PersonalData.Span s : spans) {
            out.append(text, at, s.start()).append(placeholder(s));
            at = s.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    /** Whether anything was masked so far. */
    public boolean any() {
        return !byValue.isEmpty();
    }

    /** {@code text} with every known placeholder replaced by its value; unknown ones stay as written. */
    public String restore(String text) {
        if (text == null || byPlaceholder.isEmpty() || text.indexOf('[') < 0) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String value = byPlaceholder.get(m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A restorer for text that arrives in pieces: a placeholder split between two pieces is held until it is whole. */
    public Stream stream() {
        return new Stream();
    }

    private String placeholder(PersonalData.Span s) {
        String value = s.value().strip();
        return byValue.computeIfAbsent(value, v -> {
            int n = counts.merge(s.kind(), 1, Integer::sum);
            String p = "[" + s.kind().label + "_" + n + "]";
            byPlaceholder.put(p, v);
            return p;
        });
    }

    /** Restores a streamed text: {@link #next} returns what may be shown now, {@link #end} the rest. */
    public final class Stream {

        private final StringBuilder held = new StringBuilder();

        public String next(String piece) {
            if (byPlaceholder.isEmpty()) {
                return piece;
            }
            held.append(piece);
            int cut = unfinishedTail(held);
            String ready = held.substring(0, cut);
            held.delete(0, cut);
            return restore(ready);
        }

        public String end() {
            String rest = restore(held.toString());
            held.setLength(0);
            return rest;
        }

        /** Where a tail that may still become a placeholder starts ({@code [PHO}), or the length when there is none. */
        private static int unfinishedTail(CharSequence s) {
            int open = -1;
            for (int i = s.length() - 1; i >= 0 && i >= s.length() - LONGEST; i--) {
                char c = s.charAt(i);
                if (c == '[') {
                    open = i;
                    break;
                }
                if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                    return s.length();
                }
            }
            return open < 0 ? s.length() : open;
        }
    }
}
