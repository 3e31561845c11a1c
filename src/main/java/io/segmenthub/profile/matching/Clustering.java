package io.segmenthub.profile.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups records into entities from scored pairs without chaining unrelated people through one weak
 * link. Pairs at or above the match threshold are taken strongest first (as in single-linkage
 * union-find), but two clusters are merged only when the average match probability over all
 * their cross pairs, scored on demand when blocking did not pair them, reaches the cluster
 * threshold: average-linkage agglomeration (Hastie, Tibshirani & Friedman, ch. 14.3.12). So A–B and
 * B–C may both match while A and C, clearly different, keep C out.
 */
final class Clustering {

    /** The match probability of two records by index, for pairs blocking did not produce. */
    @FunctionalInterface
    interface PairScore {
        double probability(int i, int j);
    }

    private Clustering() {
    }

    /**
     * @param pairs         candidate pairs, encoded as in {@link Blocking}; those under the match
     *                      threshold may be left out, they are scored again if a merge needs them
     * @param probabilities their match probabilities
     * @return clusters as sorted record indices, ordered by their first member
     */
    static List<List<Integer>> cluster(int size, long[] pairs, double[] probabilities, double matchThreshold,
                                       double clusterThreshold, PairScore score) {
        Map<Long, Double> known = new HashMap<>();
        List<Integer> edges = new ArrayList<>();
        for (int k = 0; k < pairs.length; k++) {
            if (probabilities[k] >= matchThreshold) {
                known.put(pairs[k], probabilities[k]);
                edges.add(k);
            }
        }
        edges.sort((a, b) -> {
            int byProbability = Double.compare(probabilities[b], probabilities[a]);
            return byProbability != 0 ? byProbability : Long.compare(pairs[a], pairs[b]);
        });

        // each cluster a linked list of its records through next[], reached from its root: no object per record
        int[] root = new int[size];
        int[] next = new int[size];
        int[] last = new int[size];
        int[] count = new int[size];
        for (int i = 0; i < size; i++) {
            root[i] = i;
            next[i] = -1;
            last[i] = i;
            count[i] = 1;
        }
        for (int k : edges) {
            int a = root[Blocking.left(pairs[k])];
            int b = root[Blocking.right(pairs[k])];
            if (a == b) {
                continue;
            }
            double sum = 0;
            for (int i = a; i >= 0; i = next[i]) {
                for (int j = b; j >= 0; j = next[j]) {
                    long key = ((long) Math.min(i, j) << 32) | Math.max(i, j);
                    Double p = known.get(key);
                    sum += p != null ? p : score.probability(Math.min(i, j), Math.max(i, j));
                }
            }
            if (sum / ((double) count[a] * count[b]) < clusterThreshold) {
                continue;
            }
            int keep = count[a] >= count[b] ? a : b;
            int gone = keep == a ? b : a;
            for (int i = gone; i >= 0; i = next[i]) {
                root[i] = keep;
            }
            next[last[keep]] = gone;
            last[keep] = last[gone];
            count[keep] += count[gone];
        }
        List<List<Integer>> clusters = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            if (root[r] == r) {
                int[] members = new int[count[r]];
                int m = 0;
                for (int i = r; i >= 0; i = next[i]) {
                    members[m++] = i;
                }
                Arrays.sort(members);
                clusters.add(Arrays.stream(members).boxed().toList());
            }
        }
        clusters.sort((x, y) -> Integer.compare(x.get(0), y.get(0)));
        return clusters;
    }
}
