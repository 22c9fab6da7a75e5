package io.parley.llm;

import io.parley.conversation.EntityValue;

import java.util.List;

/** The answer as the product uses it, whichever engine produced it. */
public record StructuredAnswer(String intent, double confidence, List<EntityValue> entities, String sentiment,
                               boolean handoff, List<String> suggestions, String answer) {

    public static final String UNKNOWN = "unknown";
}
