package io.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.answer.EntityValue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a model may say, and how what it said is bounded: the intent within the configured set (else
 * {@code other}), the confidence a number in [0, 1] with two decimals, entities of configured types
 * with bounded values and count, a few short distinct suggestions, a boolean hand-off. Nothing the
 * model returns reaches a customer, a row or the cache without passing here.
 */
final class AnswerRules {

    static final String OTHER = "other";
    private static final Set<String> SENTIMENTS = Set.of("positive", "neutral", "negative");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** Model syntax that must never be shown as a suggestion. */
    private static final Pattern SYNTAX = Pattern.compile("[{}]|```|</?think>|\"(intent|answer)\"\\s*:");

    private final Set<String> intents;
    private final Set<String> entityTypes;
    private final LlmConfig.AnswerLimits limits;

    AnswerRules(LlmConfig config) {
        this(config.intents(), config.entityTypes(), config.answers());
    }

    AnswerRules(List<String> intents, List<String> entityTypes, LlmConfig.AnswerLimits limits) {
        this.intents = normalizedSet(intents);
        this.entityTypes = normalizedSet(entityTypes);
        this.limits = limits;
    }

    /** The intent as configured, {@code other} for one outside the set, null when the model gave none. */
    String intent(JsonNode n) {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            return null;
        }
        String intent = name(n.asText());
        return intents.contains(intent) ? intent : OTHER;
    }

    /** A known intent as the model gave it (not replaced by {@code other}). */
    boolean knownIntent(JsonNode n) {
        return n != null && n.isTextual() && intents.contains(name(n.asText()));
    }

    /** In [0, 1], two decimals; 0 when absent or not a number (a numeric string counts; 85 means 0.85). */
    static double confidence(JsonNode n) {
        double v;
        if (n != null && n.isNumber()) {
            v = n.doubleValue();
        } else if (n != null && n.isTextual()) {
            try {
                v = Double.parseDouble(n.asText().strip().replace("%", ""));
            } catch (NumberFormatException e) {
                return 0;
            }
        } else {
            return 0;
        }
        if (Double.isNaN(v) || v <= 0) {
            return 0;
        }
        if (v > 1 && v <= 100) {
            v = v / 100; // a percentage
        }
        return BigDecimal.valueOf(Math.min(1, v)).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }

    static String sentiment(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        String s = n.asText().strip().toLowerCase(Locale.ROOT);
        return SENTIMENTS.contains(s) ? s : null;
    }

    /** True only for JSON {@code true} (or the string "true"). */
    static boolean handoff(JsonNode n) {
        return n != null && (n.isBoolean() ? n.booleanValue() : n.isTextual() && n.asText().strip().equalsIgnoreCase("true"));
    }

    /** Entities of configured types with non-blank values of bounded length, distinct, at most the configured count. */
    List<EntityValue> entities(JsonNode n) {
        List<EntityValue> out = new ArrayList<>();
        if (n == null || !n.isArray()) {
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode e : n) {
            if (out.size() >= limits.maxEntities()) {
                break;
            }
            JsonNode type = e.path("type");
            JsonNode value = e.path("value");
            if (!type.isTextual() || !(value.isTextual() || value.isNumber())) {
                continue;
            }
            String t = name(type.asText());
            String v = SPACES.matcher(value.asText()).replaceAll(" ").strip();
            if (!entityTypes.contains(t) || v.isEmpty() || v.length() > limits.maxEntityChars() || !seen.add(t + "\u0000" + v)) {
                continue;
            }
            out.add(new EntityValue(t, v));
        }
        return out;
    }

    /** Short, distinct (ignoring case and spacing) suggestions without model syntax, at most the configured count. */
    List<String> suggestions(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || !n.isArray()) {
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode s : n) {
            if (out.size() >= limits.maxSuggestions()) {
                break;
            }
            if (!s.isTextual()) {
                continue;
            }
            String text = SPACES.matcher(s.asText()).replaceAll(" ").strip();
            if (text.isEmpty() || text.length() > limits.maxSuggestionChars() || SYNTAX.matcher(text).find()
                    || !seen.add(text.toLowerCase(Locale.ROOT))) {
                continue;
            }
            out.add(text);
        }
        return out;
    }

    private static String name(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    }

    private static Set<String> normalizedSet(List<String> names) {
        Set<String> out = new LinkedHashSet<>();
        names.forEach(n -> out.add(name(n)));
        return out;
    }
}
