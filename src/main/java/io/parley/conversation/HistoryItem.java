package io.parley.conversation;

/** One stored message as the prompt sees it: the only shape the model's context is built from. */
public record HistoryItem(long seq, Role role, String text) {
}
