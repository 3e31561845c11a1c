package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Golden test on Splink's {@code fake_1000} demo data (moj-analytical-services/splink_datasets),
 * truth in its {@code cluster} column. Sparse records (a fifth of names, cities and e-mails missing)
 * make this harder than FEBRL. Same defaults as for FEBRL, EM only. Reached when written:
 * cluster-pair precision 0.9840, recall 0.9084, F1 0.9447.
 */
class SplinkFake1000GoldenTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void clustersMatchTheDemoTruth() {
        Benchmarks.Labelled data = Benchmarks.fake1000();
        assertThat(data.records()).hasSize(1000);
        assertThat(data.truthClusters()).hasSize(251);
        assertThat(Evaluation.pairsOf(data.truthClusters())).hasSize(2031);

        MatchResult result = new MatchEngine(Benchmarks.fake1000Settings()).resolve(data.records());

        Evaluation clusters = Evaluation.ofClusters(result.clusters(), data.truthClusters());
        assertThat(clusters.f1()).as(clusters.toString()).isGreaterThanOrEqualTo(0.94);
        assertThat(clusters.precision()).as(clusters.toString()).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void nicknamesAndSwappedNamesCarryEvidence() {
        FellegiSunterModel model = new MatchEngine(Benchmarks.fake1000Settings())
                .train(Benchmarks.fake1000().records());

        // first_name levels: exact, swapped, nickname, jw 0.92, jw 0.80, else
        assertThat(model.weight(0, 1)).as("swapped").isPositive();
        assertThat(model.weight(0, 2)).as("nickname").isPositive();
        assertThat(model.weight(0, 5)).as("else").isNegative();
    }
}
