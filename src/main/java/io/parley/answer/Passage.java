package io.parley.answer;

/**
 * A passage of a knowledge-base article found for a customer's message: what the model is given to
 * answer from, and what the agents' transcript shows was used.
 *
 * @param chunk the passage's place in its article (0 for the first)
 * @param score the search engine's score (BM25): comparable within one search only
 */
public record Passage(long articleId, int chunk, String title, String url, String text, float score) {

    public Source source() {
        return new Source(articleId, title, url);
    }
}
