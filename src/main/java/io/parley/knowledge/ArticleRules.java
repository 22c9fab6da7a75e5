package io.parley.knowledge;

import io.parley.failure.ParleyException;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** What an article must be, for the editor and for imports alike: one home for these rules. */
final class ArticleRules {

    static final int MAX_TITLE = 300;
    static final int MAX_BODY = 200_000;
    static final int MAX_TAGS = 20;
    static final int MAX_TAG = 40;

    private ArticleRules() {
    }

    /** The draft cleaned (trimmed, tags deduplicated, language detected when absent), or a clear reason it is refused. */
    static Article.Draft check(Article.Draft d) {
        if (d == null || d.title() == null || d.title().isBlank()) {
            throw ParleyException.badInput("An article needs a title.");
        }
        if (d.body() == null || d.body().isBlank()) {
            throw ParleyException.badInput("An article needs a body (Markdown).");
        }
        String title = d.title().strip().replaceAll("\\s+", " ");
        if (title.length() > MAX_TITLE) {
            throw ParleyException.badInput("A title has at most " + MAX_TITLE + " characters.");
        }
        String body = d.body().strip();
        if (body.length() > MAX_BODY) {
            throw ParleyException.badInput("A body has at most " + MAX_BODY + " characters.");
        }
        String url = d.url() == null || d.url().isBlank() ? null : d.url().strip();
        if (url != null && !httpUrl(url)) {
            throw ParleyException.badInput("The URL must be an absolute http(s) address, not \"" + shorten(url) + "\".");
        }
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        for (String t : d.tags()) {
            if (t != null && !t.isBlank()) {
                tags.add(t.strip());
            }
        }
        if (tags.size() > MAX_TAGS || tags.stream().anyMatch(t -> t.length() > MAX_TAG)) {
            throw ParleyException.badInput("An article has at most " + MAX_TAGS + " tags of at most " + MAX_TAG + " characters.");
        }
        ArticleLanguage language = d.language() != null ? d.language() : ArticleLanguage.detect(title + " " + body);
        return new Article.Draft(title, body, language, new ArrayList<>(tags), url, d.published());
    }

    static List<String> tags(String commaSeparated) {
        List<String> out = new ArrayList<>();
        if (commaSeparated != null) {
            for (String t : commaSeparated.split("[,;，、]")) {
                if (!t.isBlank()) {
                    out.add(t.strip());
                }
            }
        }
        return out;
    }

    private static boolean httpUrl(String url) {
        try {
            URI u = new URI(url);
            return ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) && u.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
