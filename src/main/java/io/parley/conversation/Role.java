package io.parley.conversation;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.Locale;

/** Who wrote a stored message; the wire name is the {@code role} of a {@code message} frame and the column's value. */
public enum Role {
    CUSTOMER, ASSISTANT, AGENT, SYSTEM;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    @Converter(autoApply = true)
    public static final class Column implements AttributeConverter<Role, String> {
        @Override
        public String convertToDatabaseColumn(Role role) {
            return role == null ? null : role.wire();
        }

        @Override
        public Role convertToEntityAttribute(String wire) {
            return wire == null ? null : of(wire);
        }
    }
}
