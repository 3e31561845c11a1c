package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void countsTruePositivesFalsePositivesAndMisses() {
        Set<RecordPair> truth = Set.of(RecordPair.of("a", "b"), RecordPair.of("c", "d"), RecordPair.of("e", "f"));
        Set<RecordPair> predicted = Set.of(RecordPair.of("b", "a"), RecordPair.of("c", "d"), RecordPair.of("a", "c"));

        Evaluation evaluation = Evaluation.ofPairs(predicted, truth);

        assertThat(evaluation).isEqualTo(new Evaluation(2, 1, 1));
        assertThat(evaluation.precision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(evaluation.recall()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(evaluation.f1()).isCloseTo(2 / 3.0, within(1e-12));
    }

    @Test
    void clustersAreScoredByThePairsTheyImply() {
        var truth = List.of(List.of("a", "b", "c"), List.of("d"));
        var predicted = List.of(List.of("a", "b"), List.of("c", "d"));

        Evaluation evaluation = Evaluation.ofClusters(predicted, truth);

        // truth pairs ab ac bc; predicted ab cd
        assertThat(evaluation).isEqualTo(new Evaluation(1, 1, 2));
        assertThat(evaluation.f1()).isCloseTo(2 * 0.5 * (1 / 3.0) / (0.5 + 1 / 3.0), within(1e-12));
    }

    @Test
    void aClusterOfNImpliesNChooseTwoPairs() {
        assertThat(Evaluation.pairsOf(List.of(List.of("a", "b", "c", "d"), List.of("e")))).hasSize(6);
    }

    @Test
    void nothingPredictedHasFullPrecisionAndNoRecall() {
        Evaluation evaluation = Evaluation.ofPairs(Set.of(), Set.of(RecordPair.of("a", "b")));

        assertThat(evaluation.precision()).isEqualTo(1.0);
        assertThat(evaluation.recall()).isEqualTo(0.0);
        assertThat(evaluation.f1()).isEqualTo(0.0);
    }
}
