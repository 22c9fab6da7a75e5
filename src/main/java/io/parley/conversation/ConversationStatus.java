package io.parley.conversation;

import java.util.EnumSet;
import java.util.Set;

/** The lifecycle of a conversation and its legal transitions. */
public enum ConversationStatus {
    /** The model (or the offline engine) answers. */
    BOT,
    /** A human was asked for. */
    WAITING_AGENT,
    /** A human has it; the bot is silent. */
    AGENT,
    /** Done; a new customer message reopens it. */
    RESOLVED,
    /** Archived: no more messages. */
    CLOSED;

    public String wire() {
        return WireEnum.wire(this);
    }

    public static ConversationStatus of(String wire) {
        return WireEnum.of(ConversationStatus.class, wire);
    }

    /** The bot answers customer messages only in this status. */
    public boolean botAnswers() {
        return this == BOT;
    }

    public Set<ConversationStatus> next() {
        return switch (this) {
            case BOT -> EnumSet.of(WAITING_AGENT, AGENT, RESOLVED, CLOSED);
            case WAITING_AGENT -> EnumSet.of(AGENT, BOT, RESOLVED, CLOSED);
            case AGENT -> EnumSet.of(BOT, RESOLVED, CLOSED);
            case RESOLVED -> EnumSet.of(BOT, WAITING_AGENT, AGENT, CLOSED);
            case CLOSED -> EnumSet.noneOf(ConversationStatus.class);
        };
    }

    public boolean canBecome(ConversationStatus to) {
        return next().contains(to);
    }

    @jakarta.persistence.Converter(autoApply = true)
    public static final class Column extends WireEnum<ConversationStatus> {
        public Column() {
            super(ConversationStatus.class);
        }
    }
}
