package io.segmenthub.profile.matching;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pairwise quality of a deduplication against ground truth: a predicted pair is a true positive
 * when the truth puts both records in one entity. For clusters, the pairs they imply are compared,
 * which is how the FEBRL and Splink benchmarks are usually scored.
 */
public record Evaluation(long truePositives, long falsePositives, long falseNegatives) {

    public static Evaluation ofPairs(Set<RecordPair> predicted, Set<RecordPair> truth) {
        long tp = predicted.stream().filter(truth::contains).count();
        return new Evaluation(tp, predicted.size() - tp, truth.size() - tp);
    }

    public static Evaluation ofClusters(Collection<? extends Collection<String>> predicted,
                                        Collection<? extends Collection<String>> truth) {
        return ofPairs(pairsOf(predicted), pairsOf(truth));
    }

    /** Every unordered pair within each cluster. */
    public static Set<RecordPair> pairsOf(Collection<? extends Collection<String>> clusters) {
        Set<RecordPair> pairs = new HashSet<>();
        for (Collection<String> cluster : clusters) {
            List<String> ids = List.copyOf(cluster);
            for (int a = 0; a < ids.size(); a++) {
                for (int b = a + 1; b < ids.size(); b++) {
                    pairs.add(RecordPair.of(ids.get(a), ids.get(b)));
                }
            }
        }
        return pairs;
    }

    /** Share of predicted pairs that are true; 1 when nothing was predicted. */
    public double precision() {
        long predicted = truePositives + falsePositives;
        return predicted == 0 ? 1 : truePositives / (double) predicted;
    }

    /** Share of true pairs that were predicted; 1 when there are none. */
    public double recall() {
        long actual = truePositives + falseNegatives;
        return actual == 0 ? 1 : truePositives / (double) actual;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "precision %.4f recall %.4f F1 %.4f (tp %d, fp %d, fn %d)",
                precision(), recall(), f1(), truePositives, falsePositives, falseNegatives);
    }
}
