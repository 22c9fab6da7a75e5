package io.parley.offline;

import java.util.List;
import java.util.Map;

/**
 * An intent a business added (stored in the database, not in the rules file): its answer per language
 * ({@code en}, {@code zh}), whether it asks for a person, and the customer messages it is learnt from.
 */
public record BusinessIntent(String name, Map<String, String> answer, boolean handoff, List<String> examples) {

    Rules.IntentRule rule() {
        return new Rules.IntentRule(name, List.of(), examples, List.of(), handoff,
                List.of(new Rules.Template(List.of(), answer)), Map.of());
    }
}
