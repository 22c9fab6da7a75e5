package io.parley.offline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.actions.Action;
import io.parley.actions.ActionTurns;
import io.parley.answer.EntityValue;
import io.parley.answer.AnswerEvent;
import io.parley.answer.CallStats;
import io.parley.answer.Grounding;
import io.parley.answer.StructuredAnswer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers without a model: intents from a classifier trained at startup on the shipped examples (and
 * the business's own), entities from patterns, answers from templates, in Chinese and English. Used
 * when no API key is configured and as the last fallback.
 */
@Startup // trained while Parley starts, not on the first customer's turn
@ApplicationScoped
public class OfflineEngine {

    private static final Logger LOG = Logger.getLogger(OfflineEngine.class);
    private static final Pattern HAN = Pattern.compile("\\p{IsHan}");
    /** The confidence an article's answer reports at least: above the clarifying threshold, it is not a guess. */
    static final double ARTICLE_CONFIDENCE = 0.8;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private final Rules rules;
    private final double minConfidence;
    /** Swapped whole when a retraining finishes: turns keep the model they started with, never wait. */
    private volatile IntentDetector intents;
    private final EntityExtractor entities;
    private final Duration streamDelay;
    /** The business intents waiting to be learnt: only the latest list matters, so changes coalesce. */
    private final AtomicReference<List<BusinessIntent>> pending = new AtomicReference<>();
    /** The business intents the model answering now was trained on, examples included. */
    private volatile List<BusinessIntent> trained = List.of();
    /** The latest list asked for (trained or on its way), so that a reload without change trains nothing. */
    private List<BusinessIntent> requested = List.of();
    private final ExecutorService trainer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "parley-intent-training");
        t.setDaemon(true);
        return t;
    });

    /** The business's actions (absent in unit tests of the rules alone). */
    @Inject
    ActionTurns actions;

    @Inject
    OfflineEngine(OfflineConfig config, ObjectMapper json) {
        this(config, json, Clock.systemDefaultZone());
    }

    OfflineEngine(OfflineConfig config, ObjectMapper json, Clock clock) {
        long started = System.nanoTime();
        // ready while Parley starts, before any turn can ask: the build's pretrained model is loaded in a
        // fraction of a second; a rules file with other intents or examples trains here (a second or more of CPU)
        this.rules = load(config.rulesFile(), json);
        this.minConfidence = config.minConfidence();
        this.intents = IntentDetector.train(rules, minConfidence);
        LOG.infof("Offline classifier ready (%d examples) in %d ms", intents.trainedOn(), (System.nanoTime() - started) / 1_000_000);
        this.entities = new EntityExtractor(clock);
        this.streamDelay = config.streamDelay();
    }

    /** Names of the intents the rules define (a business intent may not take one of them). */
    public Set<String> ruleIntents() {
        return rules.intents().stream().map(Rules.IntentRule::name).collect(Collectors.toUnmodifiableSet());
    }

    /** Names of the intents the model answering now was trained on. */
    public Set<String> knownIntents() {
        return intents.intents();
    }

    /** Whether the model answering now was trained on this intent as it is (its latest examples included). */
    public boolean learnt(BusinessIntent intent) {
        return trained.contains(intent);
    }

    /**
     * Learns these business intents (replacing the previous ones) on a background thread, in a few
     * seconds; answers keep using the current model until the new one is ready. Calls while a
     * training runs are coalesced into one more training with the latest list.
     */
    public synchronized void retrain(List<BusinessIntent> business) {
        if (requested.equals(business)) {
            return;
        }
        requested = List.copyOf(business);
        if (pending.getAndSet(requested) == null) {
            trainer.execute(this::trainPending);
        }
    }

    private void trainPending() {
        List<BusinessIntent> business = pending.getAndSet(null);
        if (business == null) {
            return;
        }
        long started = System.nanoTime();
        try {
            List<Rules.IntentRule> all = new ArrayList<>(rules.intents());
            business.stream().filter(b -> !b.examples().isEmpty()).map(BusinessIntent::rule).forEach(all::add);
            IntentDetector trained = IntentDetector.train(new Rules(rules.fallbackIntent(), all), minConfidence);
            intents = trained;
            this.trained = business;
            LOG.infof("Offline classifier retrained with %d business intents on %d examples in %d ms",
                    business.size(), trained.trainedOn(), (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Offline classifier retraining failed; the previous model keeps answering");
        }
    }

    @PreDestroy
    void stopTraining() {
        trainer.shutdownNow();
    }

    public StructuredAnswer answer(String text, String locale) {
        String language = language(text, locale);
        List<EntityValue> found = entities.extract(text);
        IntentDetector.Detected detected = intents.detect(text, found); // one read of the volatile model
        Rules.IntentRule rule = detected.rule();
        String answer = render(rule, found, language);
        List<String> suggestions = rule.suggestions() == null ? List.of() : rule.suggestions().getOrDefault(language, List.of());
        return new StructuredAnswer(rule.name(), detected.confidence(), found, "neutral", rule.handoff(), suggestions, answer);
    }

    /**
     * The offline answer as a stream: head first, then the words with a short pause, then the whole.
     * Without a conversation (tests of the rules alone): never calls an action nor reads the knowledge base.
     */
    public Multi<AnswerEvent> stream(String text, String locale) {
        return stream(text, locale, null, Grounding.NONE);
    }

    /**
     * As {@link #stream(String, String)}, for a turn of a conversation. When an action is configured for the
     * intent and the message carries its required arguments, the answer comes from the action's result (a
     * change is proposed, to be confirmed by the customer). Otherwise, when the knowledge base's best article
     * covers the question well enough ({@link Grounding#confident()}), that article answers ({@code source: kb}),
     * unless the customer asks for a person or names an order (the rules handle those).
     */
    public Multi<AnswerEvent> stream(String text, String locale, ActionTurns.Ref ref, Grounding grounding) {
        return Multi.createFrom().deferred(() -> {
            long started = System.nanoTime();
            StructuredAnswer rules = answer(text, locale);
            // the first action configured for the intent whose required arguments the message carries
            for (Action action : actions == null || ref == null ? List.<Action>of() : actions.actions().forIntent(rules.intent())) {
                ObjectNode arguments = arguments(action, rules.entities(), text);
                if (arguments != null) {
                    return actions.offline(ref, action, arguments, language(text, locale), rules.intent(), rules.entities())
                            .map(e -> followUps(e, rules.suggestions()));
                }
            }
            boolean fromArticle = grounding.confident() && grounding.best() != null && !rules.handoff()
                    && rules.entities().stream().noneMatch(e -> e.type().equals("order_id") || e.type().equals("tracking_number"));
            StructuredAnswer a = fromArticle ? fromArticle(rules, grounding, language(text, locale)) : rules;
            List<AnswerEvent> events = new ArrayList<>();
            events.add(new AnswerEvent.Head(a.intent(), a.confidence(), a.entities()));
            for (String piece : pieces(a.answer())) {
                events.add(new AnswerEvent.Text(piece));
            }
            Multi<AnswerEvent> head = Multi.createFrom().iterable(events);
            if (!streamDelay.isZero()) {
                head = head.onItem().call(e -> e instanceof AnswerEvent.Text
                        ? Uni.createFrom().voidItem().onItem().delayIt().by(streamDelay)
                        : Uni.createFrom().voidItem());
            }
            return head.onCompletion().switchTo(() -> {
                int total = (int) ((System.nanoTime() - started) / 1_000_000);
                return Multi.createFrom().item(new AnswerEvent.Done(a, fromArticle ? CallStats.knowledge(0, total) : CallStats.offline(0, total)));
            });
        });
    }

    /**
     * The action's arguments from the message: each required one from the entity of the same type; a
     * required free-text one (a reason) takes the message itself. Null when an entity is missing.
     */
    private static ObjectNode arguments(Action action, List<EntityValue> found, String text) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String name : action.required()) {
            Optional<EntityValue> e = found.stream().filter(v -> v.type().equals(name)).findFirst();
            if (e.isPresent()) {
                out.put(name, e.get().value());
            } else if (!EntityExtractor.TYPES.contains(name) && "string".equals(action.parameters().path("properties").path(name).path("type").asText())) {
                out.put(name, text.length() <= 300 ? text : text.substring(0, 300));
            } else {
                return null;
            }
        }
        return out;
    }

    /** A look-up's answer offers the intent's usual next questions as suggestions; a proposal or a failure keeps its own. */
    private static AnswerEvent followUps(AnswerEvent e, List<String> suggestions) {
        if (e instanceof AnswerEvent.Done d && d.answer().suggestions().isEmpty() && !suggestions.isEmpty()) {
            StructuredAnswer a = d.answer();
            return new AnswerEvent.Done(new StructuredAnswer(a.intent(), a.confidence(), a.entities(), a.sentiment(), a.handoff(),
                    suggestions, a.answer(), a.form(), a.finishReason(), a.intentSource()), d.stats(), d.attempt(), d.personal());
        }
        return e;
    }

    /** The article's answer; the intent stays the classifier's, not unsure: the article does answer it. */
    private static StructuredAnswer fromArticle(StructuredAnswer rules, Grounding grounding, String language) {
        List<String> suggestions = List.of(language.equals("zh") ? "转人工客服" : "Talk to a person");
        return new StructuredAnswer(rules.intent(), Math.max(rules.confidence(), ARTICLE_CONFIDENCE), rules.entities(), "neutral", false,
                suggestions, KnowledgeAnswer.text(grounding.best(), language));
    }

    /** Words (with their trailing space) for Latin text, two characters at a time for Chinese. */
    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            current.append(c);
            boolean han = Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN;
            boolean nextIsSpace = i + 1 < text.length() && Character.isWhitespace(text.charAt(i + 1));
            if ((Character.isWhitespace(c) && !nextIsSpace) || (han && current.length() >= 2)) {
                out.add(current.toString());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }

    private static String render(Rules.IntentRule rule, List<EntityValue> found, String language) {
        for (Rules.Template t : rule.templates()) {
            List<String> requires = t.requires() == null ? List.of() : t.requires();
            if (requires.stream().allMatch(type -> found.stream().anyMatch(e -> e.type().equals(type)))) {
                String template = t.text().getOrDefault(language, t.text().get("en"));
                Matcher m = PLACEHOLDER.matcher(template);
                StringBuilder out = new StringBuilder();
                while (m.find()) {
                    String value = found.stream().filter(e -> e.type().equals(m.group(1))).map(EntityValue::value)
                            .findFirst().orElse(m.group());
                    m.appendReplacement(out, Matcher.quoteReplacement(value));
                }
                m.appendTail(out);
                return out.toString();
            }
        }
        throw new IllegalStateException("intent " + rule.name() + " has no template without requirements");
    }

    static String language(String text, String locale) {
        if (HAN.matcher(text).find()) {
            return "zh";
        }
        boolean latin = text.chars().anyMatch(Character::isLetter);
        return !latin && locale != null && locale.toLowerCase(Locale.ROOT).startsWith("zh") ? "zh" : "en";
    }

    /** The rules from the given file, or the built-in ones. */
    static Rules load(Optional<String> rulesFile, ObjectMapper json) {
        try {
            if (rulesFile.isPresent()) {
                return validate(json.readValue(Files.readAllBytes(Path.of(rulesFile.get())), Rules.class));
            }
            try (InputStream in = OfflineEngine.class.getClassLoader().getResourceAsStream("offline/rules.json")) {
                return validate(json.readValue(in, Rules.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the offline rules", e);
        }
    }

    private static Rules validate(Rules rules) {
        if (rules.intents().stream().noneMatch(r -> r.name().equals(rules.fallbackIntent()))) {
            throw new IllegalStateException("offline rules lack the fallback intent " + rules.fallbackIntent());
        }
        for (Rules.IntentRule r : rules.intents()) {
            if (r.keywords() != null) {
                r.keywords().replaceAll(k -> k.toLowerCase(Locale.ROOT));
            }
            if (r.templates() == null || r.templates().stream().noneMatch(t -> t.requires() == null || t.requires().isEmpty())) {
                throw new IllegalStateException("offline intent " + r.name() + " needs a template without requirements");
            }
        }
        return rules;
    }

}
