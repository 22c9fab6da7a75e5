package io.parley.conversation;

/**
 * A CDI event: a message was stored by a path other than the turn (a notice, an agent's reply), for
 * the connections of its conversation on this instance; other instances hear of it through
 * {@link ChangeFeed}. Fired by the lifecycle, observed by the delivery, so neither knows the other.
 */
public record MessageStored(Message message) {
}
