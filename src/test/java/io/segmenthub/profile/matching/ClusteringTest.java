package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusteringTest {

    static long pair(int i, int j) {
        return ((long) Math.min(i, j) << 32) | Math.max(i, j);
    }

    /** Clusters records 0..n-1 from the given pair probabilities; unlisted pairs score {@code otherwise}. */
    static List<List<Integer>> cluster(int n, Map<Long, Double> scores, double otherwise) {
        long[] pairs = scores.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        double[] probabilities = java.util.Arrays.stream(pairs).mapToDouble(scores::get).toArray();
        return Clustering.cluster(n, pairs, probabilities, 0.5, 0.5,
                (i, j) -> scores.getOrDefault(pair(i, j), otherwise));
    }

    @Test
    void aWeakLinkDoesNotChainTwoDifferentPeople() {
        // 0–1 and 1–2 both clear the threshold, but 0 and 2 are clearly different people
        var clusters = cluster(3, Map.of(pair(0, 1), 0.99, pair(1, 2), 0.6, pair(0, 2), 0.001), 0.0);

        assertThat(clusters).containsExactly(List.of(0, 1), List.of(2));
    }

    @Test
    void aChainWhoseEndsAlsoRoughlyAgreeMerges() {
        // the same pairs with 0–2 close to the threshold: average linkage (0.6 + 0.45) / 2 merges
        var clusters = cluster(3, Map.of(pair(0, 1), 0.99, pair(1, 2), 0.6, pair(0, 2), 0.45), 0.0);

        assertThat(clusters).containsExactly(List.of(0, 1, 2));
    }

    @Test
    void strongLinksMergeTransitivelyEvenWithoutADirectPair() {
        // blocking never paired 0 and 2; scored on demand they are a likely match
        var clusters = cluster(3, Map.of(pair(0, 1), 0.99, pair(1, 2), 0.98), 0.9);

        assertThat(clusters).containsExactly(List.of(0, 1, 2));
    }

    @Test
    void twoPeopleLinkedOnlyThroughABridgeStayApart() {
        // {0,1} and {2,3} are tight; 1–2 is one weak link above threshold, every other cross pair is a non-match
        var clusters = cluster(4, Map.of(pair(0, 1), 0.99, pair(2, 3), 0.99, pair(1, 2), 0.55), 0.01);

        assertThat(clusters).containsExactly(List.of(0, 1), List.of(2, 3));
    }

    @Test
    void pairsBelowTheThresholdLeaveSingletons() {
        var clusters = cluster(3, Map.of(pair(0, 1), 0.4, pair(1, 2), 0.2), 0.0);

        assertThat(clusters).containsExactly(List.of(0), List.of(1), List.of(2));
    }
}
