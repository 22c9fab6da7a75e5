package io.parley.offline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.answer.EntityValue;
import io.parley.answer.AnswerEvent;
import io.parley.answer.CallStats;
import io.parley.answer.StructuredAnswer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers without a model: intents from keyword rules, entities from patterns, answers from templates,
 * in Chinese and English. Used when no API key is configured and as the last fallback.
 */
@ApplicationScoped
public class OfflineEngine {

    private static final Pattern HAN = Pattern.compile("\\p{IsHan}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private final Rules rules;
    private final EntityExtractor entities = new EntityExtractor();
    private final Duration streamDelay;

    OfflineEngine(OfflineConfig config, ObjectMapper json) {
        this.rules = load(config, json);
        this.streamDelay = config.streamDelay();
    }

    public StructuredAnswer answer(String text, String locale) {
        String language = language(text, locale);
        List<EntityValue> found = entities.extract(text);
        String lower = text.toLowerCase(Locale.ROOT);
        Rules.IntentRule best = null;
        double bestScore = 0;
        for (Rules.IntentRule rule : rules.intents()) {
            double score = 0;
            for (String keyword : rule.keywords()) {
                if (lower.contains(keyword)) {
                    score += 1;
                }
            }
            if (score > 0 && rule.entityHints() != null) {
                for (EntityValue e : found) {
                    if (rule.entityHints().contains(e.type())) {
                        score += 0.5;
                    }
                }
            }
            if (score > bestScore) {
                best = rule;
                bestScore = score;
            }
        }
        if (best == null) {
            best = fallbackRule(found);
            bestScore = best.name().equals(rules.fallbackIntent()) ? 0 : 0.5;
        }
        double confidence = bestScore == 0 ? 0.3 : Math.min(0.95, 0.55 + 0.15 * bestScore);
        String answer = render(best, found, language);
        List<String> suggestions = best.suggestions() == null ? List.of() : best.suggestions().getOrDefault(language, List.of());
        return new StructuredAnswer(best.name(), confidence, found, "neutral", best.handoff(), suggestions, answer);
    }

    /** The offline answer as a stream: head first, then the words with a short pause, then the whole. */
    public Multi<AnswerEvent> stream(String text, String locale) {
        return Multi.createFrom().deferred(() -> {
            long started = System.nanoTime();
            StructuredAnswer a = answer(text, locale);
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
                return Multi.createFrom().item(new AnswerEvent.Done(a, CallStats.offline(0, total)));
            });
        });
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

    private Rules.IntentRule fallbackRule(List<EntityValue> found) {
        // no keyword matched: an entity alone still says something ("AB1234567?" is about an order)
        for (EntityValue e : found) {
            for (Rules.IntentRule rule : rules.intents()) {
                if (rule.entityHints() != null && rule.entityHints().contains(e.type())) {
                    return rule;
                }
            }
        }
        return rules.intents().stream().filter(r -> r.name().equals(rules.fallbackIntent())).findFirst()
                .orElseThrow(() -> new IllegalStateException("offline rules lack the fallback intent " + rules.fallbackIntent()));
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

    private static Rules load(OfflineConfig config, ObjectMapper json) {
        try {
            if (config.rulesFile().isPresent()) {
                return validate(json.readValue(Files.readAllBytes(Path.of(config.rulesFile().get())), Rules.class));
            }
            try (InputStream in = OfflineEngine.class.getClassLoader().getResourceAsStream("offline/rules.json")) {
                return validate(json.readValue(in, Rules.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the offline rules", e);
        }
    }

    private static Rules validate(Rules rules) {
        for (Rules.IntentRule r : rules.intents()) {
            r.keywords().replaceAll(k -> k.toLowerCase(Locale.ROOT));
            if (r.templates() == null || r.templates().stream().noneMatch(t -> t.requires() == null || t.requires().isEmpty())) {
                throw new IllegalStateException("offline intent " + r.name() + " needs a template without requirements");
            }
        }
        return rules;
    }

}
