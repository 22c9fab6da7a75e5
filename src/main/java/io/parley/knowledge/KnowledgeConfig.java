package io.parley.knowledge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The knowledge base: how many passages a turn is given, and when an article may answer alone (offline). */
@ConfigMapping(prefix = "parley.knowledge")
public interface KnowledgeConfig {

    /** Passages put into the model's request for one turn (the best ones, at most two per article). */
    @WithDefault("4")
    int passages();

    /** A passage is cut at about this many characters (at a paragraph or sentence end when there is one). */
    @WithDefault("700")
    int passageChars();

    /**
     * How much of the question the best passage must cover (its terms weighted by rarity, 0 to 1) for the
     * article to answer alone when no model is available; below it the offline engine's clarify/hand-off path answers.
     */
    @WithDefault("0.45")
    double offlineMinMatch();

    /** Below this cover a passage is not given to the model at all (it would only be noise). */
    @WithDefault("0.2")
    double minMatch();

    /** Title matches count this many times a body match. */
    @WithDefault("2.5")
    float titleBoost();

    /** An import keeps at most this many articles (files, rows or lines). */
    @WithDefault("20000")
    int maxImportItems();

    /** An import's files may hold at most this many bytes once unzipped. */
    @WithDefault("67108864")
    long maxImportBytes();
}
