package io.parley.knowledge;

import java.time.OffsetDateTime;
import java.util.List;

/** A knowledge-base article as stored: the current version of it. */
public record Article(long id, String externalKey, String title, String body, ArticleLanguage language, List<String> tags,
                      String url, boolean published, int version, OffsetDateTime updatedAt, String updatedBy) {

    /** What an editor or an import gives: everything but the bookkeeping. */
    public record Draft(String title, String body, ArticleLanguage language, List<String> tags, String url, Boolean published) {

        public Draft {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        /** The same content as the article (a re-import of it changes nothing). */
        boolean sameAs(Article a) {
            return a.title().equals(title) && a.body().equals(body) && a.language() == language && a.tags().equals(tags)
                    && java.util.Objects.equals(a.url(), url) && (published == null || a.published() == published);
        }
    }

    /** One version in an article's history: who changed it, when, and how. */
    public record Version(int version, String title, String body, ArticleLanguage language, List<String> tags, String url,
                         boolean published, Change change, String changedBy, OffsetDateTime changedAt) {
    }

    /** What a version did. */
    public enum Change {
        created, edited, published, unpublished, imported, deleted
    }
}
