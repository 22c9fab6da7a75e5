package io.parley.conversation;

import jakarta.persistence.AttributeConverter;

import java.util.Locale;

/**
 * Stores an enum as its wire name (the constant in lower case: {@code waiting_agent}), the same text
 * the protocol and the SQL statements use. Each enum's {@code Column} converter extends this.
 */
abstract class WireEnum<E extends Enum<E>> implements AttributeConverter<E, String> {

    private final Class<E> type;

    WireEnum(Class<E> type) {
        this.type = type;
    }

    static String wire(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E of(Class<E> type, String wire) {
        return Enum.valueOf(type, wire.toUpperCase(Locale.ROOT));
    }

    @Override
    public String convertToDatabaseColumn(E value) {
        return value == null ? null : wire(value);
    }

    @Override
    public E convertToEntityAttribute(String wire) {
        return wire == null ? null : of(type, wire);
    }
}
