package io.segmenthub.profile.matching;

import java.util.List;

/**
 * What the engine blocks on, how it compares, and where it draws lines.
 *
 * @param maxBlockSize         blocks with more records are skipped and reported, never kept
 * @param matchThreshold       match probability from which a pair is a match
 * @param clusterThreshold     average match probability two clusters need to merge
 * @param uFromRandomPairs     estimate u from random record pairs and keep it fixed during EM (Splink's
 *                             way), instead of learning u by EM on the candidate pairs (Winkler's)
 * @param randomPairs          how many random pairs to draw for u
 * @param maxIterations        EM iterations at most
 * @param seed                 seed of the random pair sample, so that runs are reproducible
 * @param guard                names of comparisons that tell people apart (say given name and birth
 *                             date): a pair that disagrees on all of them (each at its "else" level,
 *                             none missing) is never a match, however much else it shares. Two members
 *                             of one household share an address, a landline and often a family name,
 *                             evidence that Fellegi-Sunter, assuming comparisons independent, would
 *                             add up past any threshold. Empty for no guard.
 */
public record MatchSettings(List<BlockingRule> blockingRules, List<Comparison> comparisons, int maxBlockSize,
                            double matchThreshold, double clusterThreshold, boolean uFromRandomPairs,
                            int randomPairs, int maxIterations, long seed, List<String> guard) {

    public MatchSettings {
        blockingRules = List.copyOf(blockingRules);
        comparisons = List.copyOf(comparisons);
        guard = List.copyOf(guard);
        for (String name : guard) {
            if (comparisons.stream().noneMatch(c -> c.name().equals(name))) {
                throw new IllegalArgumentException("guard names comparison '" + name + "', which is not configured");
            }
        }
        if (blockingRules.isEmpty() || comparisons.isEmpty()) {
            throw new IllegalArgumentException("at least one blocking rule and one comparison are needed");
        }
        if (comparisons.size() > 15) {
            throw new IllegalArgumentException("at most 15 comparisons are supported");
        }
        if (maxBlockSize < 2) {
            throw new IllegalArgumentException("maxBlockSize must be at least 2");
        }
        if (!(matchThreshold > 0 && matchThreshold < 1) || !(clusterThreshold > 0 && clusterThreshold < 1)) {
            throw new IllegalArgumentException("thresholds are probabilities strictly between 0 and 1");
        }
        if (randomPairs < 1) {
            throw new IllegalArgumentException("randomPairs must be at least 1");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1");
        }
    }

    /** Settings without a guard. */
    public MatchSettings(List<BlockingRule> blockingRules, List<Comparison> comparisons, int maxBlockSize,
                         double matchThreshold, double clusterThreshold, boolean uFromRandomPairs, int randomPairs,
                         int maxIterations, long seed) {
        this(blockingRules, comparisons, maxBlockSize, matchThreshold, clusterThreshold, uFromRandomPairs, randomPairs,
                maxIterations, seed, List.of());
    }

    /**
     * The defaults, used unchanged for every benchmark data set: a pair matches when it is more
     * likely a match than not (the Bayes decision at probability 0.5), and clusters merge when their
     * members are, on average, more likely the same entity than not.
     */
    public static MatchSettings of(List<BlockingRule> blockingRules, List<Comparison> comparisons) {
        return new MatchSettings(blockingRules, comparisons, 1_000, 0.5, 0.5, true, 100_000, 200, 42L);
    }

    public MatchSettings withMaxBlockSize(int max) {
        return new MatchSettings(blockingRules, comparisons, max, matchThreshold, clusterThreshold, uFromRandomPairs,
                randomPairs, maxIterations, seed, guard);
    }

    public MatchSettings withThresholds(double match, double cluster) {
        return new MatchSettings(blockingRules, comparisons, maxBlockSize, match, cluster, uFromRandomPairs,
                randomPairs, maxIterations, seed, guard);
    }

    public MatchSettings withUFromRandomPairs(boolean fromRandomPairs) {
        return new MatchSettings(blockingRules, comparisons, maxBlockSize, matchThreshold, clusterThreshold,
                fromRandomPairs, randomPairs, maxIterations, seed, guard);
    }

    public MatchSettings withSeed(long newSeed) {
        return new MatchSettings(blockingRules, comparisons, maxBlockSize, matchThreshold, clusterThreshold,
                uFromRandomPairs, randomPairs, maxIterations, newSeed, guard);
    }

    /** The same settings with a guard over the named comparisons (see {@link #guard}). */
    public MatchSettings withGuard(String... comparisonNames) {
        return new MatchSettings(blockingRules, comparisons, maxBlockSize, matchThreshold, clusterThreshold,
                uFromRandomPairs, randomPairs, maxIterations, seed, List.of(comparisonNames));
    }
}
