package io.parley.offline;

import io.parley.answer.EntityValue;
import opennlp.tools.doccat.BagOfWordsFeatureGenerator;
import opennlp.tools.doccat.DoccatFactory;
import opennlp.tools.doccat.DoccatModel;
import opennlp.tools.doccat.DocumentCategorizerME;
import opennlp.tools.doccat.DocumentSample;
import opennlp.tools.doccat.FeatureGenerator;
import opennlp.tools.ml.maxent.quasinewton.QNTrainer;
import opennlp.tools.util.CollectionObjectStream;
import opennlp.tools.util.TrainingParameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.TreeMap;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A maximum-entropy document categorizer (Apache OpenNLP) over {@link Features}, trained in memory
 * from labelled examples. Its scores are probabilities over the intents it was trained on.
 */
final class IntentClassifier {

    /** The most likely intent and its probability. */
    record Guess(String intent, double probability) {
    }

    private final DoccatModel model;

    private IntentClassifier(DoccatModel model) {
        this.model = model;
    }

    /** Where the build puts the model trained on the shipped set, and the key of what it was trained on. */
    static final String PRETRAINED = "offline/intent-model.bin";
    static final String PRETRAINED_KEY = "offline/intent-model.key";

    /**
     * Names what a model is trained from (the examples, in order, and the training parameters): the
     * pretrained model is used only when this key matches, so a changed training set or rules file
     * never meets a stale model. (The feature code is not in the key: the build retrains on every build.)
     */
    static String key(List<Examples.Example> examples) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(new TreeMap<>(parameters().getObjectSettings()).toString().getBytes(StandardCharsets.UTF_8));
            for (Examples.Example e : examples) {
                sha.update((e.intent() + '\t' + e.text() + '\n').getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model the build trained on these very examples, if it is on the class path. */
    static Optional<IntentClassifier> pretrained(List<Examples.Example> examples) {
        ClassLoader loader = IntentClassifier.class.getClassLoader();
        try (InputStream key = loader.getResourceAsStream(PRETRAINED_KEY); InputStream model = loader.getResourceAsStream(PRETRAINED)) {
            if (key == null || model == null || !new String(key.readAllBytes(), StandardCharsets.UTF_8).strip().equals(key(examples))) {
                return Optional.empty();
            }
            return Optional.of(new IntentClassifier(new DoccatModel(model)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the pretrained offline model", e);
        }
    }

    void write(Path model, Path key, List<Examples.Example> examples) throws IOException {
        Files.createDirectories(model.getParent());
        try (OutputStream out = Files.newOutputStream(model)) {
            this.model.serialize(out);
        }
        Files.writeString(key, key(examples));
    }

    static IntentClassifier train(List<Examples.Example> examples) {
        EntityExtractor entities = new EntityExtractor();
        List<DocumentSample> samples = examples.stream()
                .map(e -> new DocumentSample(e.intent(), Features.of(e.text(), entities.extract(e.text()))))
                .toList();
        try {
            DoccatModel model = DocumentCategorizerME.train("und", new CollectionObjectStream<>(samples), parameters(),
                    new DoccatFactory(new FeatureGenerator[] {new BagOfWordsFeatureGenerator()}));
            return new IntentClassifier(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TrainingParameters parameters() {
        TrainingParameters params = new TrainingParameters();
        params.put(TrainingParameters.ALGORITHM_PARAM, QNTrainer.MAXENT_QN_VALUE);
        // each feature counts even when seen once: a few hundred short sentences per language is little data
        params.put(TrainingParameters.CUTOFF_PARAM, 1);
        params.put(TrainingParameters.ITERATIONS_PARAM, 30);
        // a little L2 keeps weights small, so probabilities stay modest on text unlike the training set;
        // 0.05 did best on the development split (src/test/resources/offline/dev-split.tsv), where
        // the trainer has converged by 30 iterations
        params.put(QNTrainer.L1COST_PARAM, 0.0);
        params.put(QNTrainer.L2COST_PARAM, 0.05);
        return params;
    }

    Guess classify(String text, List<EntityValue> found) {
        // a categorizer per call: cheap, and nothing is shared between the threads of concurrent turns
        DocumentCategorizerME categorizer = new DocumentCategorizerME(model);
        double[] p = categorizer.categorize(Features.of(text, found));
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return new Guess(categorizer.getCategory(best), p[best]);
    }
}
