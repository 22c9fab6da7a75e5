package io.parley.answer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the knowledge base found for one turn.
 *
 * @param enabled   false when the base has no published article: the request then carries no knowledge
 *                  message at all (exactly as before the base existed)
 * @param passages  the passages worth giving the model, best first
 * @param confident the best passage covers the question well enough to answer it alone (offline)
 */
public record Grounding(boolean enabled, List<Passage> passages, boolean confident) {

    public static final Grounding NONE = new Grounding(false, List.of(), false);

    public Grounding {
        passages = passages == null ? List.of() : List.copyOf(passages);
    }

    public Passage best() {
        return passages.isEmpty() ? null : passages.get(0);
    }

    /** The articles of the passages, numbered from 1 in order of first appearance: what {@code [n]} in an answer refers to. */
    public List<Source> articles() {
        Map<Long, Source> out = new LinkedHashMap<>();
        for (Passage p : passages) {
            out.putIfAbsent(p.articleId(), p.source());
        }
        return new ArrayList<>(out.values());
    }

    /** The passages of one of {@link #articles()}. */
    public List<Passage> passagesOf(Source article) {
        return passages.stream().filter(p -> p.articleId() == article.id()).toList();
    }
}
