package io.parley.offline;

import io.parley.answer.EntityValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which intent a message has, offline. Exact phrases from the rules decide first ("转人工"); otherwise
 * the trained classifier; when it is unsure or finds nothing the shop handles, an entity that names an
 * intent (an order number: order status), else the safe fallback intent with the classifier's probability.
 */
final class IntentDetector {

    /** The intent chosen, and how sure: a probability from the classifier, or the rule's fixed certainty. */
    record Detected(Rules.IntentRule rule, double confidence) {
    }

    static final double EXACT_CONFIDENCE = 0.95;

    private final Rules rules;
    private final Map<String, Rules.IntentRule> byName;
    private final IntentClassifier classifier;
    private final double minConfidence;
    private final int trainedOn;

    private IntentDetector(Rules rules, IntentClassifier classifier, double minConfidence, int trainedOn) {
        this.rules = rules;
        this.byName = rules.intents().stream().collect(Collectors.toUnmodifiableMap(Rules.IntentRule::name, Function.identity()));
        this.classifier = classifier;
        this.minConfidence = minConfidence;
        this.trainedOn = trainedOn;
    }

    /**
     * Trains on the shipped examples of the intents these rules have, plus the rules' own examples
     * (a business's intents). Intents the rules do not list are left out, so never predicted.
     */
    static IntentDetector train(Rules rules, double minConfidence) {
        TrainingSet set = trainingSet(rules);
        // the shipped rules' model comes trained from the build (PretrainModel); anything else trains here
        IntentClassifier classifier = IntentClassifier.pretrained(set.examples())
                .orElseGet(() -> IntentClassifier.train(set.examples()));
        return new IntentDetector(rules, classifier, minConfidence, set.given());
    }

    /** What a model for these rules learns from, and how many distinct examples that is. */
    record TrainingSet(List<Examples.Example> examples, int given) {
    }

    static TrainingSet trainingSet(Rules rules) {
        Set<String> intents = rules.intents().stream().map(Rules.IntentRule::name).collect(Collectors.toSet());
        List<Examples.Example> examples = new ArrayList<>(Examples.shipped().stream()
                .filter(e -> intents.contains(e.intent())).toList());
        int given = examples.size();
        // a business's ten examples weigh as much as a shipped intent's hundred: repeated up to the typical
        // size of a shipped intent, so that a new intent is not drowned by the larger ones
        int typical = examples.isEmpty() ? 1 : examples.size() / Math.max(1, intents.size() - 1);
        for (Rules.IntentRule r : rules.intents()) {
            if (r.examples() != null && !r.examples().isEmpty()) {
                given += r.examples().size();
                int repeat = Math.max(1, typical / r.examples().size());
                for (int i = 0; i < repeat; i++) {
                    r.examples().forEach(text -> examples.add(new Examples.Example(r.name(), text)));
                }
            }
        }
        return new TrainingSet(examples, given);
    }

    int trainedOn() {
        return trainedOn;
    }

    Set<String> intents() {
        return byName.keySet();
    }

    Detected detect(String text, List<EntityValue> found) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (Rules.IntentRule rule : rules.intents()) {
            if (rule.keywords() != null && rule.keywords().stream().anyMatch(lower::contains)) {
                return new Detected(rule, EXACT_CONFIDENCE);
            }
        }
        IntentClassifier.Guess guess = classifier.classify(text, found);
        Rules.IntentRule rule = byName.get(guess.intent());
        boolean fallback = rules.fallbackIntent().equals(guess.intent());
        if (rule != null && !fallback && guess.probability() >= minConfidence) {
            return new Detected(rule, guess.probability());
        }
        for (EntityValue e : found) {
            for (Rules.IntentRule hinted : rules.intents()) {
                if (hinted.entityHints() != null && hinted.entityHints().contains(e.type())) {
                    // unsure, or "nothing the shop handles", but an order number says what the message is about
                    return new Detected(hinted, minConfidence);
                }
            }
        }
        return new Detected(fallback(), fallback ? guess.probability() : Math.min(guess.probability(), minConfidence));
    }

    private Rules.IntentRule fallback() {
        Rules.IntentRule r = byName.get(rules.fallbackIntent());
        if (r == null) {
            throw new IllegalStateException("offline rules lack the fallback intent " + rules.fallbackIntent());
        }
        return r;
    }
}
