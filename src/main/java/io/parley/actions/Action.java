package io.parley.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One configured action, checked at startup: its parameters' schema parsed and compiled.
 *
 * @param secretHeaders header name → environment variable name (read at each call, never kept in a string that is logged)
 */
/**
 * @param intents       the offline intents that call it (see {@link ActionsConfig.HttpAction#intent()})
 */
public record Action(String name, String description, JsonNode parameters, Schema schema, ActionsConfig.Method method,
                     String url, Map<String, String> headers, Map<String, String> secretHeaders, Duration timeout,
                     int maxResponseBytes, boolean changes, List<String> intents, Map<String, String> status,
                     Map<String, String> answer, Map<String, String> proposal, Map<String, String> system) {

    /** The intent of answers stated from it (its first configured intent), or null. */
    public String intent() {
        return intents.isEmpty() ? null : intents.get(0);
    }

    /** The arguments the schema requires (for the offline engine: the entities a message must carry). */
    public List<String> required() {
        JsonNode r = parameters.path("required");
        return r.isArray() ? java.util.stream.StreamSupport.stream(r.spliterator(), false).map(JsonNode::asText).toList() : List.of();
    }

    String text(Map<String, String> texts, String language, String fallbackEn, String fallbackZh) {
        String t = texts.get(language);
        if (t == null || t.isBlank()) {
            t = "zh".equals(language) ? fallbackZh : texts.getOrDefault("en", fallbackEn);
        }
        return t;
    }
}
