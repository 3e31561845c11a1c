package io.segmenthub.profile.matching;

import java.util.Objects;

/**
 * One level of a {@link Comparison}, such as "exact" or "Jaro-Winkler ≥ 0.92". Levels are tried in
 * order and the first that holds describes the pair, as in Splink's comparison levels.
 *
 * @param termFrequencyAdjusted whether an agreement at this level is weighted by how rare the agreed
 *                              value is (only meaningful for exact-match levels)
 */
public record ComparisonLevel(String label, Test test, boolean termFrequencyAdjusted) {

    /** Whether two records, both holding the comparison's field, agree at this level. */
    @FunctionalInterface
    public interface Test {
        boolean holds(MatchRecord left, MatchRecord right);
    }

    public ComparisonLevel {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(test, "test");
    }

    public static ComparisonLevel of(String label, Test test) {
        return new ComparisonLevel(label, test, false);
    }

    /** The level that holds when no earlier one did; every comparison ends with it. */
    public static ComparisonLevel otherwise() {
        return new ComparisonLevel("else", (l, r) -> true, false);
    }
}
