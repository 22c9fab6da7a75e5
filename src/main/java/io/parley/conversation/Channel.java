package io.parley.conversation;

/** The way a conversation reached Parley; the wire name is the {@code conversation.channel} column's value. */
public enum Channel {
    /** Parley's own chat page. */
    WEB,
    /** The widget embedded in a business's site. */
    WIDGET,
    /** The REST API (integration keys). */
    REST,
    /** The gRPC service (integration keys). */
    GRPC,
    /** A batch job (integration keys or the console). */
    BATCH;

    public String wire() {
        return WireEnum.wire(this);
    }

    public static Channel of(String wire) {
        return WireEnum.of(Channel.class, wire);
    }

    @jakarta.persistence.Converter(autoApply = true)
    public static final class Column extends WireEnum<Channel> {
        public Column() {
            super(Channel.class);
        }
    }
}
