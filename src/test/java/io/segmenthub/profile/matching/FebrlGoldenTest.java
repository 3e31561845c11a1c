package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Golden tests on the FEBRL deduplication benchmarks (Christen, Febrl data generator) with their
 * ground truth in {@code rec_id}. The model is learned by EM on each file without labels; levels
 * and thresholds are {@link MatchSettings#of} defaults, the same for every data set. Reached when
 * written: dataset1 cluster-pair F1 0.9990 (precision 1.0000); dataset3 F1 0.9994 (precision
 * 1.0000, recall 0.9988). Bounds sit a little below those figures.
 */
class FebrlGoldenTest {

    static Evaluation clusterPairs(Benchmarks.Labelled data, MatchResult result) {
        return Evaluation.ofClusters(result.clusters(), data.truthClusters());
    }

    static Evaluation predictedPairs(Benchmarks.Labelled data, MatchResult result) {
        return Evaluation.ofPairs(result.matchedPairs(), Evaluation.pairsOf(data.truthClusters()));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void dataset1DuplicatesAreFoundWithF1AboveTheBenchmark() {
        Benchmarks.Labelled data = Benchmarks.febrl("febrl_dataset1.csv");
        assertThat(data.records()).hasSize(1000);
        assertThat(Evaluation.pairsOf(data.truthClusters())).hasSize(500);

        MatchResult result = new MatchEngine(Benchmarks.febrlSettings()).resolve(data.records());

        Evaluation clusters = clusterPairs(data, result);
        assertThat(clusters.f1()).as(clusters.toString()).isGreaterThanOrEqualTo(0.998);
        assertThat(clusters.precision()).as(clusters.toString()).isGreaterThanOrEqualTo(0.999);
        assertThat(predictedPairs(data, result).f1()).isGreaterThanOrEqualTo(0.99);
        assertThat(result.skippedBlocks()).isEmpty();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void dataset3WithUpToFiveDuplicatesPerPersonIsResolvedNearlyPerfectly() {
        Benchmarks.Labelled data = Benchmarks.febrl("febrl_dataset3.csv");
        assertThat(data.records()).hasSize(5000);
        assertThat(Evaluation.pairsOf(data.truthClusters())).hasSize(6538);

        MatchResult result = new MatchEngine(Benchmarks.febrlSettings()).resolve(data.records());

        Evaluation clusters = clusterPairs(data, result);
        assertThat(clusters.f1()).as(clusters.toString()).isGreaterThanOrEqualTo(0.998);
        assertThat(clusters.precision()).as(clusters.toString()).isGreaterThanOrEqualTo(0.999);
        Evaluation pairs = predictedPairs(data, result);
        assertThat(pairs.f1()).as(pairs.toString()).isGreaterThanOrEqualTo(0.99);
        assertThat(pairs.precision()).as(pairs.toString()).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void theLearnedModelRanksAnIdNumberAboveTheState() {
        Benchmarks.Labelled data = Benchmarks.febrl("febrl_dataset3.csv");
        MatchSettings settings = Benchmarks.febrlSettings();

        FellegiSunterModel model = new MatchEngine(settings).train(data.records());

        int ssn = indexOf(settings, "soc_sec_id");
        int state = indexOf(settings, "state");
        assertThat(model.weight(ssn, 0)).isGreaterThan(model.weight(state, 0) + 5);
        assertThat(model.weight(ssn, 2)).isNegative();
        assertThat(model.describe()).contains("soc_sec_id", "date_of_birth", "swapped with surname");
    }

    static int indexOf(MatchSettings settings, String comparison) {
        for (int c = 0; c < settings.comparisons().size(); c++) {
            if (settings.comparisons().get(c).name().equals(comparison)) {
                return c;
            }
        }
        throw new IllegalArgumentException(comparison);
    }
}
