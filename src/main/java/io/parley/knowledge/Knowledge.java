package io.parley.knowledge;

import io.parley.answer.Grounding;
import io.parley.answer.Passage;
import io.parley.answer.Source;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a turn asks of the knowledge base: the passages to ground an answer in, and afterwards which
 * articles the answer cites. One home for both rules, whichever channel the turn came from.
 */
@ApplicationScoped
public class Knowledge {

    private static final Logger LOG = Logger.getLogger(Knowledge.class);
    private static final Pattern CITATION = Pattern.compile("\\[(\\d{1,2})]");
    /** Passages of one article given for one turn, at most. */
    static final int PER_ARTICLE = 2;

    private final KnowledgeIndex index;
    private final KnowledgeConfig config;

    Knowledge(KnowledgeIndex index, KnowledgeConfig config) {
        this.index = index;
        this.config = config;
    }

    /**
     * The passages for a customer's message: the best ones that cover enough of it. {@link Grounding#NONE}
     * when no article is published (the request is then exactly what it was before the knowledge base).
     * A search that fails leaves the turn ungrounded rather than unanswered.
     */
    public Grounding ground(String text) {
        if (index.articles() == 0) {
            return Grounding.NONE;
        }
        try {
            List<SearchIndex.Match> found = index.search(text, config.passages(), PER_ARTICLE);
            List<Passage> passages = new ArrayList<>();
            for (SearchIndex.Match m : found) {
                if (m.match() >= config.minMatch()) {
                    passages.add(m.passage());
                }
            }
            boolean confident = !found.isEmpty() && found.get(0).match() >= config.offlineMinMatch();
            return new Grounding(true, passages, confident);
        } catch (RuntimeException e) {
            LOG.warnf("knowledge search failed, answering without it: %s", e.getMessage());
            return Grounding.NONE;
        }
    }

    /** Articles best answering {@code question}, best first (the console's "try a question", the recall figures). */
    public List<SearchIndex.Match> search(String question, int limit) {
        return index.search(question, limit, PER_ARTICLE);
    }

    /** The passages an answer was made from, for the transcript: all those a model was given, the one an article's answer shows. */
    public static List<Passage> passagesUsed(Grounding grounding, String source) {
        if (!grounding.enabled() || grounding.passages().isEmpty()) {
            return List.of();
        }
        return switch (source == null ? "" : source) {
            case "kb" -> List.of(grounding.best());
            case "model", "cache" -> grounding.passages();
            default -> List.of();
        };
    }

    /**
     * The articles an answer cites: for a model's answer the articles whose numbers ({@code [1]}) it
     * carries, in the order the prompt numbered them ({@link Grounding#articles()}); for an answer
     * made from an article ({@code kb}) that article.
     */
    public static List<Source> sources(Grounding grounding, String source, String answer) {
        if (!grounding.enabled() || grounding.passages().isEmpty() || answer == null) {
            return List.of();
        }
        if ("kb".equals(source)) {
            return List.of(grounding.best().source());
        }
        if (!"model".equals(source) && !"cache".equals(source)) {
            return List.of();
        }
        List<Source> numbered = grounding.articles();
        Map<Long, Source> cited = new LinkedHashMap<>();
        Matcher m = CITATION.matcher(answer);
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (n >= 1 && n <= numbered.size()) {
                Source s = numbered.get(n - 1);
                cited.putIfAbsent(s.id(), s);
            }
        }
        return List.copyOf(cited.values());
    }
}
