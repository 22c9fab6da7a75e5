package io.parley.offline;

import java.util.List;
import java.util.Map;

/** The offline engine's configuration, read from JSON: intents with keywords, answer templates, suggestions. */
public record Rules(String fallbackIntent, List<IntentRule> intents) {

    /**
     * @param keywords    lower-case phrases in any language; each one found adds to the intent's score
     * @param entityHints entity types that make this intent more likely (order_id for order_status)
     * @param templates   tried in order; the first whose {@code requires} entities were all found is used
     */
    public record IntentRule(String name, List<String> keywords, List<String> entityHints, boolean handoff,
                             List<Template> templates, Map<String, List<String>> suggestions) {
    }

    /** An answer per language; {@code {order_id}} and the like are replaced by the entities found. */
    public record Template(List<String> requires, Map<String, String> text) {
    }
}
