package io.parley.conversation;

/** Who wrote a stored message; the wire name is the {@code role} of a {@code message} frame and the column's value. */
public enum Role {
    CUSTOMER, ASSISTANT, AGENT, SYSTEM;

    public String wire() {
        return WireEnum.wire(this);
    }

    public static Role of(String wire) {
        return WireEnum.of(Role.class, wire);
    }

    @jakarta.persistence.Converter(autoApply = true)
    public static final class Column extends WireEnum<Role> {
        public Column() {
            super(Role.class);
        }
    }
}
