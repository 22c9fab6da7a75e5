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

    static IntentClassifier train(List<Examples.Example> examples) {
        EntityExtractor entities = new EntityExtractor();
        List<DocumentSample> samples = examples.stream()
                .map(e -> new DocumentSample(e.intent(), Features.of(e.text(), entities.extract(e.text()))))
                .toList();
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
        try {
            DoccatModel model = DocumentCategorizerME.train("und", new CollectionObjectStream<>(samples), params,
                    new DoccatFactory(new FeatureGenerator[] {new BagOfWordsFeatureGenerator()}));
            return new IntentClassifier(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
