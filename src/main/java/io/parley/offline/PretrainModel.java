package io.parley.offline;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Run by the build (exec-maven-plugin, phase process-classes): trains the classifier for the built-in
 * rules and the shipped training set, and writes it with its key into the classes folder, so that
 * Parley loads it at startup instead of spending a second or more of CPU training it.
 */
public final class PretrainModel {

    private PretrainModel() {
    }

    /** @param args the classes folder ({@code target/classes}) */
    public static void main(String[] args) throws IOException {
        Path classes = Path.of(args.length > 0 ? args[0] : "target/classes");
        long started = System.nanoTime();
        IntentDetector.TrainingSet set = IntentDetector.trainingSet(OfflineEngine.load(Optional.empty(), new ObjectMapper()));
        IntentClassifier.train(set.examples()).write(classes.resolve(IntentClassifier.PRETRAINED),
                classes.resolve(IntentClassifier.PRETRAINED_KEY), set.examples());
        System.out.printf("Offline classifier pretrained on %d examples in %d ms: %s%n", set.given(),
                (System.nanoTime() - started) / 1_000_000, classes.resolve(IntentClassifier.PRETRAINED));
    }
}
