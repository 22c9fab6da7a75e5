package io.parley.offline;

import java.util.List;
import java.util.Map;

/** The offline engine's configuration, read from JSON: intents with examples, exact phrases, answer templates, suggestions. */
public record Rules(String fallbackIntent, List<IntentRule> intents) {

    /**
     * @param keywords    exact lower-case phrases that decide the intent whenever they occur ("转人工"); keep
     *                    them for phrases that cannot mean anything else, and teach the rest by examples
     * @param examples    customer messages of this intent, learnt with the shipped training set; about ten
     *                    are enough for an intent of the business's own
     * @param entityHints entity types that say what a message is about when the classifier is unsure
     *                    (order_id for order_status)
     * @param templates   tried in order; the first whose {@code requires} entities were all found is used
     */
    public record IntentRule(String name, List<String> keywords, List<String> examples, List<String> entityHints,
                             boolean handoff, List<Template> templates, Map<String, List<String>> suggestions) {
    }

    /** An answer per language; {@code {order_id}} and the like are replaced by the entities found. */
    public record Template(List<String> requires, Map<String, String> text) {
    }
}
