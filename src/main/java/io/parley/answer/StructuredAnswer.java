package io.parley.answer;

import java.util.List;

/**
 * The answer as the product uses it, whichever engine produced it.
 *
 * @param form         how much of the model's structured reply arrived (see {@link Form}); what the turn stores
 *                     as the answer's state follows from it ({@link #truncated()}: {@code incomplete})
 * @param finishReason the provider's {@code finish_reason} ({@code stop}, {@code length}, {@code content_filter}),
 *                     null when none came or for answers not made by a model
 * @param intentSource who chose the intent when it was not the engine named by the answer's source: {@code offline}
 *                     when the model gave no usable intent and the offline rules classified the customer's message;
 *                     null otherwise
 */
public record StructuredAnswer(String intent, double confidence, List<EntityValue> entities, String sentiment,
                               boolean handoff, List<String> suggestions, String answer, Form form, String finishReason,
                               String intentSource) {

    public static final String UNKNOWN = "unknown";

    /** How complete the model's reply was. */
    public enum Form {
        /** The whole JSON object arrived and parsed (and every answer not made by a model). */
        STRUCTURED,
        /** The answer text arrived whole, but the object around it was cut or broken (some fields lost). */
        PARTIAL,
        /** The model sent text and no JSON: the text is the answer, the intent came from the offline rules. */
        PLAIN,
        /**
         * The answer text was cut off or never came (max_tokens, content filter, an object without an answer,
         * an empty reply): the text is what could be salvaged, or a short honest fallback.
         */
        TRUNCATED
    }

    public StructuredAnswer {
        entities = entities == null ? List.of() : List.copyOf(entities);
        suggestions = suggestions == null ? List.of() : List.copyOf(suggestions);
        form = form == null ? Form.STRUCTURED : form;
    }

    /** A complete answer (offline rules, templates, a cached answer). */
    public StructuredAnswer(String intent, double confidence, List<EntityValue> entities, String sentiment,
                            boolean handoff, List<String> suggestions, String answer) {
        this(intent, confidence, entities, sentiment, handoff, suggestions, answer, Form.STRUCTURED, null, null);
    }

    /** What reached the customer of an answer cut short: its text, nothing understood. */
    /** The same answer asking for a person (for one that was cut off where a resend cannot retry it: a photo's). */
    public StructuredAnswer handedOver() {
        return new StructuredAnswer(intent, confidence, entities, sentiment, true, suggestions, answer, form, finishReason, intentSource);
    }

    public static StructuredAnswer cutShort(String text) {
        return new StructuredAnswer(UNKNOWN, 0, List.of(), null, false, List.of(), text, Form.TRUNCATED, null, null);
    }

    /** The answer text is not the whole answer: to be stored as {@code incomplete}, never cached. */
    public boolean truncated() {
        return form == Form.TRUNCATED;
    }
}
