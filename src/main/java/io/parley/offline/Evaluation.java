package io.parley.offline;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How well offline understanding does on labelled messages it was not trained on: accuracy,
 * precision and recall per intent, the confusion matrix, and how well its confidence matches how
 * often it is right (expected calibration error). Run as a command on TSV or JSONL files:
 * {@code java -cp 'target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*' io.parley.offline.Evaluation FILE...}
 */
public final class Evaluation {

    public record IntentScore(int support, double precision, double recall) {
    }

    /** A message whose intent was missed. */
    public record Miss(String text, String expected, String predicted, double confidence) {
    }

    /** {@code confusion.get(expected).get(predicted)} counts messages. */
    public record Report(int total, int correct, Map<String, IntentScore> intents,
                         Map<String, Map<String, Integer>> confusion, double calibrationError, List<Miss> misses) {

        public double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }

        public String format() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                    "accuracy %.3f (%d/%d), expected calibration error %.3f%n", accuracy(), correct, total, calibrationError));
            out.append(String.format(Locale.ROOT, "%-18s %7s %9s %6s%n", "intent", "support", "precision", "recall"));
            intents.forEach((name, s) -> out.append(String.format(Locale.ROOT, "%-18s %7d %9.3f %6.3f%n", name, s.support(), s.precision(), s.recall())));
            TreeSet<String> labels = new TreeSet<>(confusion.keySet());
            confusion.values().forEach(row -> labels.addAll(row.keySet()));
            out.append("confusion (rows: expected, columns: predicted)\n").append(String.format("%-18s", ""));
            labels.forEach(l -> out.append(String.format(" %5.5s", l)));
            out.append('\n');
            for (String expected : labels) {
                out.append(String.format("%-18s", expected));
                Map<String, Integer> row = confusion.getOrDefault(expected, Map.of());
                labels.forEach(l -> out.append(String.format(" %5d", row.getOrDefault(l, 0))));
                out.append('\n');
            }
            out.append("missed:\n");
            misses.forEach(m -> out.append(String.format(Locale.ROOT, "  %-16s → %-16s %.2f  %s%n", m.expected(), m.predicted(), m.confidence(), m.text())));
            return out.toString();
        }
    }

    private Evaluation() {
    }

    static Report run(IntentDetector detector, List<Examples.Example> test) {
        EntityExtractor entities = new EntityExtractor();
        Map<String, Map<String, Integer>> confusion = new TreeMap<>();
        int correct = 0;
        List<Miss> misses = new ArrayList<>();
        int bins = 10;
        double[] confidenceSum = new double[bins];
        int[] rightIn = new int[bins];
        int[] countIn = new int[bins];
        for (Examples.Example e : test) {
            IntentDetector.Detected d = detector.detect(e.text(), entities.extract(e.text()));
            String predicted = d.rule().name();
            confusion.computeIfAbsent(e.intent(), k -> new TreeMap<>()).merge(predicted, 1, Integer::sum);
            boolean right = predicted.equals(e.intent());
            correct += right ? 1 : 0;
            if (!right) {
                misses.add(new Miss(e.text(), e.intent(), predicted, d.confidence()));
            }
            int bin = Math.min(bins - 1, (int) (d.confidence() * bins));
            confidenceSum[bin] += d.confidence();
            rightIn[bin] += right ? 1 : 0;
            countIn[bin]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (countIn[b] > 0) {
                ece += Math.abs((double) rightIn[b] / countIn[b] - confidenceSum[b] / countIn[b]) * countIn[b] / test.size();
            }
        }
        Map<String, IntentScore> intents = new TreeMap<>();
        TreeSet<String> labels = new TreeSet<>(confusion.keySet());
        confusion.values().forEach(row -> labels.addAll(row.keySet()));
        for (String label : labels) {
            int truePositive = confusion.getOrDefault(label, Map.of()).getOrDefault(label, 0);
            int support = confusion.getOrDefault(label, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
            int predictedAs = confusion.values().stream().mapToInt(row -> row.getOrDefault(label, 0)).sum();
            intents.put(label, new IntentScore(support, predictedAs == 0 ? 0 : (double) truePositive / predictedAs,
                    support == 0 ? 0 : (double) truePositive / support));
        }
        return new Report(test.size(), correct, intents, confusion, ece, misses);
    }

    /** Trains on the shipped examples (and the rules file's, when {@code parley.offline.rules-file} is set) and evaluates each file. */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: Evaluation FILE.tsv|FILE.jsonl ...  (TSV: intent<TAB>text; JSONL: {\"intent\":...,\"text\":...})");
            System.exit(2);
        }
        long started = System.nanoTime();
        Rules rules = OfflineEngine.load(Optional.ofNullable(System.getProperty("parley.offline.rules-file")), new ObjectMapper());
        IntentDetector detector = IntentDetector.train(rules,
                Double.parseDouble(System.getProperty("parley.offline.min-confidence", OfflineConfig.DEFAULT_MIN_CONFIDENCE)));
        System.out.printf("trained on %d examples in %d ms%n", detector.trainedOn(), (System.nanoTime() - started) / 1_000_000);
        for (String file : args) {
            System.out.println("== " + file);
            System.out.print(run(detector, Examples.file(Path.of(file))).format());
        }
    }
}
