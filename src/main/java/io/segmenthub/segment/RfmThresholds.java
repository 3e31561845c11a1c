package io.segmenthub.segment;

import java.util.List;

/**
 * The four cut points per dimension that split a population into scores 1 to 5. A value scores
 * {@code 1 + (number of cut points it is strictly greater than)}; recency is then inverted, so
 * fewer days since the last purchase score higher.
 *
 * <p>Cut points must be ascending, where equal neighbours are allowed: quantiles of a population
 * with heavy ties (most customers ordered once) are equal, and such thresholds must be reportable
 * and reusable as overrides.
 */
public record RfmThresholds(List<Double> recencyDays, List<Double> frequency, List<Double> monetary) {

    /** Cut points per dimension: scores 1 to 5 need four boundaries. */
    public static final int CUT_POINTS = 4;

    public RfmThresholds {
        recencyDays = validated("recencyDays", recencyDays);
        frequency = validated("frequency", frequency);
        monetary = validated("monetary", monetary);
    }

    private static List<Double> validated(String dimension, List<Double> cuts) {
        if (cuts == null) {
            throw new IllegalArgumentException(dimension + " cut points are missing");
        }
        if (cuts.size() != CUT_POINTS) {
            throw new IllegalArgumentException(dimension + " needs exactly " + CUT_POINTS
                    + " cut points, got " + cuts.size() + ": " + cuts);
        }
        for (int i = 0; i < cuts.size(); i++) {
            Double cut = cuts.get(i);
            if (cut == null || !Double.isFinite(cut)) {
                throw new IllegalArgumentException(
                        dimension + " cut point " + (i + 1) + " must be a finite number, got " + cut);
            }
            if (i > 0 && cut < cuts.get(i - 1)) {
                throw new IllegalArgumentException(
                        dimension + " cut points must be ascending, got " + cuts);
            }
        }
        return List.copyOf(cuts);
    }
}
