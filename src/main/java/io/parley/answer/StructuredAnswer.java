package io.parley.answer;

import io.parley.answer.EntityValue;

import java.util.List;

/** The answer as the product uses it, whichever engine produced it. */
public record StructuredAnswer(String intent, double confidence, List<EntityValue> entities, String sentiment,
                               boolean handoff, List<String> suggestions, String answer) {

    public static final String UNKNOWN = "unknown";

    /** What reached the customer of an answer cut short: its text, nothing understood. */
    public static StructuredAnswer cutShort(String text) {
        return new StructuredAnswer(UNKNOWN, 0, List.of(), null, false, List.of(), text);
    }
}
