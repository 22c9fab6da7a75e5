package io.parley.offline;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The build trains the shipped model once; startup loads it, and only for the very examples it was trained on. */
class PretrainedModelTest {

    private final IntentDetector.TrainingSet shipped =
            IntentDetector.trainingSet(OfflineEngine.load(Optional.empty(), new ObjectMapper()));

    @Test
    void theBuildsModelIsLoadedQuicklyAndAnswers() {
        long started = System.nanoTime();
        Optional<IntentClassifier> loaded = IntentClassifier.pretrained(shipped.examples());
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("pretrained offline model loaded in %d ms%n", ms);
        assertThat(loaded).as("target/classes/offline/intent-model.bin from the build").isPresent();
        assertThat(loaded.get().classify("I want my money back for the broken cup", List.of()).intent()).isEqualTo("refund_request");
    }

    @Test
    void otherExamplesNeverMeetTheBuildsModel() {
        List<Examples.Example> more = new ArrayList<>(shipped.examples());
        more.add(new Examples.Example("gift_card", "do you sell gift cards"));
        assertThat(IntentClassifier.pretrained(more)).isEmpty();
    }
}
