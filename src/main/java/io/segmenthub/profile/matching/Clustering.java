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
     * @param pairs         candidate pairs, encoded as in {@link Blocking}
     * @param probabilities their match probabilities
     * @return clusters as sorted record indices, ordered by their first member
     */
    static List<List<Integer>> cluster(int size, long[] pairs, double[] probabilities, double matchThreshold,
                                       double clusterThreshold, PairScore score) {
        Map<Long, Double> known = new HashMap<>(pairs.length * 2);
        List<Integer> edges = new ArrayList<>();
        for (int k = 0; k < pairs.length; k++) {
            known.put(pairs[k], probabilities[k]);
            if (probabilities[k] >= matchThreshold) {
                edges.add(k);
            }
        }
        edges.sort((a, b) -> {
            int byProbability = Double.compare(probabilities[b], probabilities[a]);
            return byProbability != 0 ? byProbability : Long.compare(pairs[a], pairs[b]);
        });

        int[] root = new int[size];
        List<List<Integer>> members = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            root[i] = i;
            List<Integer> alone = new ArrayList<>();
            alone.add(i);
            members.add(alone);
        }
        for (int k : edges) {
            int a = root[Blocking.left(pairs[k])];
            int b = root[Blocking.right(pairs[k])];
            if (a == b) {
                continue;
            }
            List<Integer> ma = members.get(a);
            List<Integer> mb = members.get(b);
            double sum = 0;
            for (int i : ma) {
                for (int j : mb) {
                    long key = ((long) Math.min(i, j) << 32) | Math.max(i, j);
                    Double p = known.get(key);
                    sum += p != null ? p : score.probability(Math.min(i, j), Math.max(i, j));
                }
            }
            if (sum / ((double) ma.size() * mb.size()) < clusterThreshold) {
                continue;
            }
            int keep = ma.size() >= mb.size() ? a : b;
            int gone = keep == a ? b : a;
            for (int i : members.get(gone)) {
                root[i] = keep;
            }
            members.get(keep).addAll(members.get(gone));
            members.set(gone, null);
        }
        List<List<Integer>> clusters = new ArrayList<>();
        for (List<Integer> cluster : members) {
            if (cluster != null) {
                int[] sorted = cluster.stream().mapToInt(Integer::intValue).toArray();
                Arrays.sort(sorted);
                clusters.add(Arrays.stream(sorted).boxed().toList());
            }
        }
        clusters.sort((x, y) -> Integer.compare(x.get(0), y.get(0)));
        return clusters;
    }
}
