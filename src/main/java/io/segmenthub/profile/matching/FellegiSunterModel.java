package io.segmenthub.profile.matching;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Fellegi-Sunter record-linkage model (Fellegi & Sunter 1969, "A Theory for Record Linkage",
 * JASA 64(328)): for each comparison level the probability {@code m} that a matching pair shows it
 * and {@code u} that a non-matching pair does, and the prior λ that a candidate pair matches. The
 * match weight of a pair is {@code log2(λ/(1-λ)) + Σ log2(m/u)} over its comparisons; a null level
 * adds nothing.
 *
 * <p>Exact agreement on a term-frequency-adjusted level is weighted by the rarity of the agreed
 * value: its u becomes the value's frequency among the records, so a shared rare surname counts
 * more than a shared common one (Splink, "Term frequency adjustments" topic guide; Winkler 1989,
 * "Frequency-based matching in Fellegi-Sunter model of record linkage").
 *
 * <p>{@link #describe()} prints the model the way Splink's match-weights chart reads: every level
 * with its m, u and weight.
 */
public final class FellegiSunterModel {

    private final List<Comparison> comparisons;
    private final double[][] m;
    private final double[][] u;
    private final double lambda;
    private final int iterations;
    /** Per comparison, value → share of the records holding that value; empty for comparisons without TF levels. */
    private final List<Map<String, Double>> termFrequencies;

    FellegiSunterModel(List<Comparison> comparisons, double[][] m, double[][] u, double lambda, int iterations,
                       List<Map<String, Double>> termFrequencies) {
        this.comparisons = List.copyOf(comparisons);
        this.m = m;
        this.u = u;
        this.lambda = lambda;
        this.iterations = iterations;
        this.termFrequencies = List.copyOf(termFrequencies);
    }

    public List<Comparison> comparisons() {
        return comparisons;
    }

    public double m(int comparison, int level) {
        return m[comparison][level];
    }

    public double u(int comparison, int level) {
        return u[comparison][level];
    }

    /** The prior probability that two records drawn at random are a match. */
    public double lambda() {
        return lambda;
    }

    /** EM iterations used to fit the model. */
    public int iterations() {
        return iterations;
    }

    /** {@code log2(m/u)} of a level; 0 for the null level. */
    public double weight(int comparison, int level) {
        return level == Comparison.NULL_LEVEL ? 0 : log2(m[comparison][level] / u[comparison][level]);
    }

    public double priorWeight() {
        return log2(lambda / (1 - lambda));
    }

    /** The match weight of a pair, term-frequency adjustments included. */
    public double matchWeight(MatchRecord left, MatchRecord right) {
        return matchWeight(levels(left, right), left, right);
    }

    public double matchProbability(MatchRecord left, MatchRecord right) {
        return probability(matchWeight(left, right));
    }

    public static double probability(double matchWeight) {
        return 1 / (1 + Math.pow(2, -matchWeight));
    }

    int[] levels(MatchRecord left, MatchRecord right) {
        int[] levels = new int[comparisons.size()];
        for (int c = 0; c < levels.length; c++) {
            levels[c] = comparisons.get(c).level(left, right);
        }
        return levels;
    }

    double matchWeight(int[] levels, MatchRecord left, MatchRecord right) {
        double w = priorWeight();
        for (int c = 0; c < levels.length; c++) {
            int level = levels[c];
            if (level == Comparison.NULL_LEVEL) {
                continue;
            }
            w += comparisonWeight(c, level, left, right);
        }
        return w;
    }

    /** The model as a table: prior, then every comparison's levels with m, u and weight. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Fellegi-Sunter model (EM, %d iterations)%n", iterations));
        out.append(String.format(Locale.ROOT, "prior λ = %.6f, weight %+.2f%n", lambda, priorWeight()));
        for (int c = 0; c < comparisons.size(); c++) {
            Comparison comparison = comparisons.get(c);
            out.append(String.format(Locale.ROOT, "%s%n", comparison.name()));
            for (int l = 0; l < comparison.levels().size(); l++) {
                ComparisonLevel level = comparison.levels().get(l);
                out.append(String.format(Locale.ROOT, "  %-40s m=%.6f u=%.6f weight %+7.2f%s%n",
                        level.label(), m[c][l], u[c][l], weight(c, l),
                        level.termFrequencyAdjusted() ? " (tf-adjusted)" : ""));
            }
            out.append(String.format(Locale.ROOT, "  %-40s weight %+7.2f%n", "null", 0.0));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** The level of each comparison for a pair ({@link Comparison#NULL_LEVEL} where a side lacks the field). */
    public int[] comparisonLevels(MatchRecord left, MatchRecord right) {
        return levels(left, right);
    }

    /** One comparison's weight at a level; a term-frequency-adjusted level weighs the rarer the value the more. */
    private double comparisonWeight(int c, int level, MatchRecord left, MatchRecord right) {
        Comparison comparison = comparisons.get(c);
        if (!comparison.levels().get(level).termFrequencyAdjusted()) {
            return weight(c, level);
        }
        Map<String, Double> tf = termFrequencies.get(c);
        double share = Math.max(tf.getOrDefault(left.value(comparison.field()), 0.0),
                tf.getOrDefault(right.value(comparison.field()), 0.0));
        return share > 0 ? log2(m[c][level] / share) : weight(c, level);
    }

    /**
     * What each comparison adds to the match weight of a pair at the given levels, term-frequency
     * adjustments included: the parts {@link #matchWeight(MatchRecord, MatchRecord)} sums after the prior.
     */
    public double[] comparisonWeights(int[] levels, MatchRecord left, MatchRecord right) {
        double[] weights = new double[levels.length];
        for (int c = 0; c < levels.length; c++) {
            int level = levels[c];
            if (level == Comparison.NULL_LEVEL) {
                continue;
            }
            weights[c] = comparisonWeight(c, level, left, right);
        }
        return weights;
    }

    /**
     * A model learned earlier (its m, u and λ kept as numbers) with term frequencies given from
     * outside, e.g. counted over blind indexes in a store, so that new records can be scored without
     * learning again.
     */
    public static FellegiSunterModel restore(List<Comparison> comparisons, double[][] m, double[][] u, double lambda,
                                             int iterations, List<Map<String, Double>> termFrequencies) {
        if (m.length != comparisons.size() || u.length != comparisons.size() || termFrequencies.size() != comparisons.size()) {
            throw new IllegalArgumentException("m, u and term frequencies need one entry per comparison");
        }
        for (int c = 0; c < comparisons.size(); c++) {
            if (m[c].length != comparisons.get(c).levels().size() || u[c].length != m[c].length) {
                throw new IllegalArgumentException("comparison '" + comparisons.get(c).name() + "' has another number of levels");
            }
        }
        return new FellegiSunterModel(comparisons, m, u, lambda, iterations, termFrequencies);
    }

    /** Whether a comparison has a term-frequency-adjusted level (its values' shares matter). */
    public static boolean termFrequencyAdjusted(Comparison comparison) {
        return comparison.levels().stream().anyMatch(ComparisonLevel::termFrequencyAdjusted);
    }

    /** Value shares per comparison for its term-frequency-adjusted levels. */
    static List<Map<String, Double>> termFrequencies(List<MatchRecord> records, List<Comparison> comparisons) {
        List<Map<String, Double>> all = new ArrayList<>();
        for (Comparison comparison : comparisons) {
            if (comparison.levels().stream().noneMatch(ComparisonLevel::termFrequencyAdjusted)) {
                all.add(Map.of());
                continue;
            }
            Map<String, Integer> counts = new HashMap<>();
            int filled = 0;
            for (MatchRecord record : records) {
                String v = record.value(comparison.field());
                if (v != null) {
                    counts.merge(v, 1, Integer::sum);
                    filled++;
                }
            }
            Map<String, Double> shares = new HashMap<>(counts.size() * 2);
            for (var e : counts.entrySet()) {
                shares.put(e.getKey(), e.getValue() / (double) filled);
            }
            all.add(shares);
        }
        return all;
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
