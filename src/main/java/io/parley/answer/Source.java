package io.parley.answer;

/** An article an answer cites, as {@code answer.end} carries it: {@code {id, title, url}} (url may be null). */
public record Source(long id, String title, String url) {
}
