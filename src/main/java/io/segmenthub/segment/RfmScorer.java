package io.segmenthub.segment;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * RFM scoring (Recency, Frequency, Monetary) as described by Arthur M. Hughes, <i>Strategic
 * Database Marketing</i> (1994): each customer gets a score of 1 to 5 per dimension, by quintile
 * of the customer population, 5 being best (most recent, most orders, most revenue).
 *
 * <h2>Cut points</h2>
 * Unless overridden, the four cut points per dimension are the 20, 40, 60 and 80 % quantiles of
 * the scored population, computed by linear interpolation between closest ranks (Hyndman and Fan
 * 1996 type 7; the default of numpy, R and Excel's PERCENTILE.INC). A value scores
 * {@code 1 + (number of cut points it is strictly greater than)}; recency is computed on days since
 * the last purchase and inverted ({@code 6 - that}), so fewer days score higher. The score is a
 * function of the value alone, so equal values always get equal scores. The price is that with
 * heavy ties (most customers ordered once) several cut points coincide and the scores are uneven,
 * e.g. every one-order customer gets F=1 and no one gets F=2 or 3. That is expected: splitting
 * tied customers into different scores would be arbitrary.
 *
 * <h2>Segments</h2>
 * The 11 segment names are the common industry convention built on Hughes' scores. F and M are
 * merged into {@code FM = round-half-up((F + M) / 2)}, and (R, FM) is looked up in this grid,
 * which covers all 25 cells:
 * <pre>
 *          FM=1             FM=2                 FM=3                 FM=4              FM=5
 *   R=5    New Customers    Potential Loyalists  Potential Loyalists  Champions         Champions
 *   R=4    Promising        Potential Loyalists  Potential Loyalists  Loyal Customers   Champions
 *   R=3    About to Sleep   About to Sleep       Need Attention       Loyal Customers   Loyal Customers
 *   R=2    Hibernating      Hibernating          At Risk              At Risk           Can't Lose Them
 *   R=1    Lost             Lost                 At Risk              Can't Lose Them   Can't Lose Them
 * </pre>
 * Read it as: the top rows bought recently (from new and promising to champions as they buy more
 * and spend more), the middle row is drifting away, the bottom rows have lapsed, and the right
 * columns are the lapsed customers worth most to win back.
 *
 * <h2>Value types</h2>
 * From our product guides, checked in this order (the conditions do not overlap):
 * <ul>
 *   <li>{@link ValueType#HIGH_VALUE}: F &ge; 4 and M &ge; 4 and R &ge; 3;</li>
 *   <li>{@link ValueType#OPPORTUNITY} (spent much, lapsed): M &ge; 4 and R &le; 2;</li>
 *   <li>{@link ValueType#GROWTH_POTENTIAL} (frequent, low spend): F &ge; 4 and M &le; 3;</li>
 *   <li>{@link ValueType#GENERAL}: everyone else.</li>
 * </ul>
 */
public final class RfmScorer {

    public static final List<String> SEGMENTS = List.of(
            "Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising",
            "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost");

    /** {@code GRID[5 - R][FM - 1]}, rows R=5..1, columns FM=1..5, exactly as in the class comment. */
    private static final String[][] GRID = {
            {"New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"},
            {"Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Champions"},
            {"About to Sleep", "About to Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"},
            {"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
            {"Lost", "Lost", "At Risk", "Can't Lose Them", "Can't Lose Them"},
    };

    private final Optional<RfmThresholds> overrides;

    /** @param overrides fixed cut points to use instead of this population's quintiles */
    public RfmScorer(Optional<RfmThresholds> overrides) {
        this.overrides = Objects.requireNonNull(overrides, "overrides");
    }

    /**
     * Scores every history. Recency = days from lastPurchase to asOf. Without overrides, cut points
     * are the 20/40/60/80 % quantiles of this population (so scores are quintiles 1-5); equal values
     * always get equal scores. R: fewer days -> higher score; F (orders) and M (revenue): higher ->
     * higher score. Deterministic.
     *
     * @return scores by golden id, in golden-id order
     * @throws IllegalArgumentException if two histories have the same golden id
     */
    public Map<String, RfmScore> score(Collection<PurchaseHistory> histories, LocalDate asOf) {
        return score(histories, asOf, thresholds(histories, asOf));
    }

    /**
     * The same with the cut points given, as {@link #thresholds} made them for these histories: a
     * caller that reports the cut points sorts the population once, not twice.
     */
    public Map<String, RfmScore> score(Collection<PurchaseHistory> histories, LocalDate asOf, RfmThresholds cuts) {
        Map<String, RfmScore> scores = new TreeMap<>();
        for (PurchaseHistory h : histories) {
            int r = 6 - rank(recencyDays(h, asOf), cuts.recencyDays());
            int f = rank(h.orders(), cuts.frequency());
            int m = rank(h.revenue().doubleValue(), cuts.monetary());
            if (scores.put(h.goldenId(), classify(r, f, m)) != null) {
                throw new IllegalArgumentException("golden profile " + h.goldenId()
                        + " has more than one purchase history; merge them before scoring");
            }
        }
        return Collections.unmodifiableMap(scores);
    }

    /**
     * The cut points {@link #score} uses for this population (for the run report): the overrides
     * if given, else the quintiles. An empty population has no quantiles; its cut points are all 0.
     */
    public RfmThresholds thresholds(Collection<PurchaseHistory> histories, LocalDate asOf) {
        Objects.requireNonNull(asOf, "asOf");
        return overrides.orElseGet(() -> new RfmThresholds(
                quintiles(histories, h -> recencyDays(h, asOf)),
                quintiles(histories, PurchaseHistory::orders),
                quintiles(histories, h -> h.revenue().doubleValue())));
    }

    /** The segment and value type for one set of scores, by the grid and rules in the class comment. */
    public static RfmScore classify(int recency, int frequency, int monetary) {
        int fm = (frequency + monetary + 1) / 2; // round half up, in integers
        String segment = GRID[5 - recency][fm - 1];
        return new RfmScore(recency, frequency, monetary, segment, valueType(recency, frequency, monetary));
    }

    private static ValueType valueType(int r, int f, int m) {
        if (f >= 4 && m >= 4 && r >= 3) {
            return ValueType.HIGH_VALUE;
        }
        if (m >= 4 && r <= 2) {
            return ValueType.OPPORTUNITY;
        }
        if (f >= 4 && m <= 3) {
            return ValueType.GROWTH_POTENTIAL;
        }
        return ValueType.GENERAL;
    }

    private static double recencyDays(PurchaseHistory h, LocalDate asOf) {
        return ChronoUnit.DAYS.between(h.lastPurchase(), asOf);
    }

    /** 1 + the number of cut points the value is strictly greater than. */
    private static int rank(double value, List<Double> cuts) {
        int above = 0;
        for (double cut : cuts) {
            if (value > cut) {
                above++;
            }
        }
        return 1 + above;
    }

    private static List<Double> quintiles(Collection<PurchaseHistory> histories,
                                          ToDoubleFunction<PurchaseHistory> measure) {
        double[] sorted = histories.stream().mapToDouble(measure).sorted().toArray();
        return IntStream.rangeClosed(1, 4).mapToObj(k -> quintileType7(sorted, k)).toList();
    }

    /**
     * Hyndman-Fan type 7 quantile at p = k/5: h = (n - 1) p, then interpolate between x[floor h]
     * and x[floor h + 1]. h is split in integers so that a cut point landing exactly on a value
     * is that value, not a rounding error next to it (which would move tied customers a score).
     */
    static double quintileType7(double[] sorted, int k) {
        if (sorted.length == 0) {
            return 0;
        }
        int lo = (sorted.length - 1) * k / 5;
        int fifths = (sorted.length - 1) * k % 5;
        if (fifths == 0) {
            return sorted[lo];
        }
        return sorted[lo] + fifths / 5.0 * (sorted[lo + 1] - sorted[lo]);
    }
}
