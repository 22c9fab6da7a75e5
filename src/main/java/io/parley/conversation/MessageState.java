package io.parley.conversation;

/** Where a stored message stands; only answers are ever other than complete. */
public enum MessageState {
    COMPLETE,
    /** Reserved for an answer being streamed: no seq yet, owned by one instance. */
    STREAMING,
    /** The model's stream broke after text was shown. */
    INCOMPLETE,
    /** The instance streaming it stopped (restart, crash) before it was finished. */
    INTERRUPTED;

    public String wire() {
        return WireEnum.wire(this);
    }

    public static MessageState of(String wire) {
        return WireEnum.of(MessageState.class, wire);
    }

    /** Cut short: shown to the customer as unfinished, with a retry. */
    public boolean cutShort() {
        return this == INCOMPLETE || this == INTERRUPTED;
    }

    @jakarta.persistence.Converter(autoApply = true)
    public static final class Column extends WireEnum<MessageState> {
        public Column() {
            super(MessageState.class);
        }
    }
}
