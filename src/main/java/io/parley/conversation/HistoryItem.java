package io.parley.conversation;

/**
 * One stored message as the prompt sees it: the only shape the model's context is built from.
 *
 * @param confidence an answer's intent confidence (null for other messages): the turn notices two unsure answers in a row
 */
public record HistoryItem(long seq, Role role, String text, Double confidence) {
}
