package io.segmenthub.profile;

import io.segmenthub.profile.matching.Evaluation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How well a resolution matches labelled truth: pairwise (every pair of records put together,
 * see {@link Evaluation}) and per cluster (a predicted entity counts only when it holds exactly the
 * records of one true person). Only records the truth labels are scored.
 *
 * @param clusterPrecision share of predicted entities that are exactly one true person
 * @param clusterRecall    share of true people found exactly as one entity
 */
public record ResolutionQuality(Evaluation pairwise, double clusterPrecision, double clusterRecall, int entities, int people) {

    /** Scores components of records (store ids) against each record's true person. */
    public static ResolutionQuality of(Collection<? extends Collection<SourceRecordStore.Facts>> components, Map<Long, String> person) {
        List<Set<String>> predicted = new ArrayList<>();
        for (var component : components) {
            Set<String> ids = new TreeSet<>();
            for (var f : component) {
                if (person.containsKey(f.id())) {
                    ids.add(String.valueOf(f.id()));
                }
            }
            if (!ids.isEmpty()) {
                predicted.add(ids);
            }
        }
        Map<String, Set<String>> byPerson = new TreeMap<>();
        person.forEach((id, p) -> byPerson.computeIfAbsent(p, k -> new TreeSet<>()).add(String.valueOf(id)));
        Collection<Set<String>> truth = byPerson.values();
        Set<Set<String>> exact = new HashSet<>(truth);
        long right = predicted.stream().filter(exact::contains).count();
        return new ResolutionQuality(Evaluation.ofClusters(predicted, truth),
                predicted.isEmpty() ? 1 : right / (double) predicted.size(),
                truth.isEmpty() ? 1 : right / (double) truth.size(), predicted.size(), truth.size());
    }

    public double clusterF1() {
        double p = clusterPrecision;
        double r = clusterRecall;
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d entities for %d people; pairwise %s; clusters precision %.4f recall %.4f F1 %.4f",
                entities, people, pairwise, clusterPrecision, clusterRecall, clusterF1());
    }
}
