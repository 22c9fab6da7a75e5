package io.parley.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts an article's Markdown into passages of about {@code size} characters: a passage ends at a
 * heading, or at a paragraph end once it is long enough, so that a passage keeps one subject. Each
 * passage is plain text (Markdown marks removed) carrying the heading it is under.
 */
final class Chunker {

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?。！？；;])\\s*");

    private Chunker() {
    }

    static List<String> chunks(String markdown, int size) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String heading = "";
        for (String block : markdown.replace("\r\n", "\n").split("\n\\s*\n")) {
            String text = block.strip();
            if (text.isEmpty()) {
                continue;
            }
            var h = HEADING.matcher(text.lines().findFirst().orElse(""));
            if (h.matches()) {
                flush(out, current);
                heading = plain(h.group(1));
                String rest = text.lines().skip(1).reduce("", (a, b) -> a + "\n" + b).strip();
                current.append(heading).append('\n');
                if (rest.isEmpty()) {
                    continue;
                }
                text = rest;
            }
            String plain = plain(text);
            if (current.length() + plain.length() > size && current.length() > heading.length() + 1) {
                flush(out, current);
                if (!heading.isEmpty()) {
                    current.append(heading).append('\n');
                }
            }
            for (String piece : split(plain, size)) {
                if (current.length() + piece.length() > size && current.length() > heading.length() + 1) {
                    flush(out, current);
                    if (!heading.isEmpty()) {
                        current.append(heading).append('\n');
                    }
                }
                current.append(piece).append('\n');
            }
        }
        flush(out, current);
        return out;
    }

    /** A paragraph longer than {@code size} is cut at sentence ends. */
    private static List<String> split(String paragraph, int size) {
        if (paragraph.length() <= size) {
            return List.of(paragraph);
        }
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (String sentence : SENTENCE_END.split(paragraph)) {
            if (b.length() + sentence.length() > size && b.length() > 0) {
                out.add(b.toString().strip());
                b.setLength(0);
            }
            b.append(sentence).append(' ');
        }
        if (b.length() > 0) {
            out.add(b.toString().strip());
        }
        return out;
    }

    private static void flush(List<String> out, StringBuilder current) {
        String s = current.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        current.setLength(0);
    }

    /** Markdown without its marks: links keep their text, emphasis and code marks go, list bullets go. */
    static String plain(String markdown) {
        return markdown
                .replaceAll("!\\[([^]]*)]\\([^)]*\\)", "$1")
                .replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
                .replaceAll("(?m)^\\s*(?:[-*+]|\\d+\\.)\\s+", "- ")
                .replaceAll("(?m)^#{1,6}\\s+", "")
                .replaceAll("(?m)^>\\s?", "")
                .replaceAll("[*_`]{1,3}([^*_`\\n]+)[*_`]{1,3}", "$1")
                .replaceAll("\\|", " ")
                .strip();
    }
}
