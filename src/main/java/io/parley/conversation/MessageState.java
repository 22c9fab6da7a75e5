package io.parley.conversation;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.Locale;

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
        return name().toLowerCase(Locale.ROOT);
    }

    public static MessageState of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    /** Cut short: shown to the customer as unfinished, with a retry. */
    public boolean cutShort() {
        return this == INCOMPLETE || this == INTERRUPTED;
    }

    @Converter(autoApply = true)
    public static final class Column implements AttributeConverter<MessageState, String> {
        @Override
        public String convertToDatabaseColumn(MessageState state) {
            return state == null ? null : state.wire();
        }

        @Override
        public MessageState convertToEntityAttribute(String wire) {
            return wire == null ? null : of(wire);
        }
    }
}
