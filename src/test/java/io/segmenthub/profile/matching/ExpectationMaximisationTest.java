package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExpectationMaximisationTest {

    static final double[][] M = {{0.80, 0.15, 0.05}, {0.90, 0.10}, {0.60, 0.25, 0.10, 0.05}};
    static final double[][] U = {{0.02, 0.08, 0.90}, {0.10, 0.90}, {0.01, 0.04, 0.15, 0.80}};
    static final double LAMBDA = 0.3;
    static final int PAIRS = 60_000;

    /** Comparison vectors drawn from the model itself; the third comparison is missing in a tenth of pairs. */
    static int[][] generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] patterns = new int[PAIRS][];
        for (int p = 0; p < PAIRS; p++) {
            boolean match = random.nextDouble() < LAMBDA;
            int[] levels = new int[M.length];
            for (int c = 0; c < M.length; c++) {
                levels[c] = draw(match ? M[c] : U[c], random.nextDouble());
            }
            if (random.nextDouble() < 0.1) {
                levels[2] = Comparison.NULL_LEVEL;
            }
            patterns[p] = levels;
        }
        return patterns;
    }

    static int draw(double[] probabilities, double x) {
        double cumulative = 0;
        for (int l = 0; l < probabilities.length; l++) {
            cumulative += probabilities[l];
            if (x < cumulative) {
                return l;
            }
        }
        return probabilities.length - 1;
    }

    static long[] ones(int n) {
        long[] counts = new long[n];
        java.util.Arrays.fill(counts, 1);
        return counts;
    }

    static double[][] startingM() {
        return new double[][] {MatchEngine.initialM(3), MatchEngine.initialM(2), MatchEngine.initialM(4)};
    }

    static double[][] flatU() {
        return new double[][] {{0.2, 0.3, 0.5}, {0.4, 0.6}, {0.1, 0.2, 0.3, 0.4}};
    }

    @Test
    void recoversKnownMAndUAndPriorFromUnlabelledPairs() {
        int[][] patterns = generate(7);

        var estimate = ExpectationMaximisation.fit(patterns, ones(PAIRS), startingM(), flatU(), 0.1, false, 500, 1e-9);

        assertThat(estimate.lambda()).isCloseTo(LAMBDA, within(0.01));
        for (int c = 0; c < M.length; c++) {
            for (int l = 0; l < M[c].length; l++) {
                assertThat(estimate.m()[c][l]).as("m[%d][%d]", c, l).isCloseTo(M[c][l], within(0.02));
                assertThat(estimate.u()[c][l]).as("u[%d][%d]", c, l).isCloseTo(U[c][l], within(0.02));
            }
        }
    }

    @Test
    void withUFixedLearnsOnlyMAndPrior() {
        int[][] patterns = generate(11);

        var estimate = ExpectationMaximisation.fit(patterns, ones(PAIRS), startingM(), U, 0.1, true, 500, 1e-9);

        assertThat(estimate.u()).isDeepEqualTo(U);
        assertThat(estimate.lambda()).isCloseTo(LAMBDA, within(0.01));
        assertThat(estimate.m()[0][0]).isCloseTo(M[0][0], within(0.02));
        assertThat(estimate.m()[2][3]).isCloseTo(M[2][3], within(0.02));
    }

    @Test
    void groupedPatternsGiveTheSameEstimateAsSinglePairs() {
        int[][] single = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {2, 1, 3}, {2, 1, 3}, {1, 0, -1}};
        int[][] grouped = {{0, 0, 0}, {2, 1, 3}, {1, 0, -1}};

        var a = ExpectationMaximisation.fit(single, ones(6), startingM(), flatU(), 0.1, false, 50, 0);
        var b = ExpectationMaximisation.fit(grouped, new long[] {3, 2, 1}, startingM(), flatU(), 0.1, false, 50, 0);

        assertThat(b.lambda()).isCloseTo(a.lambda(), within(1e-12));
        assertThat(b.m()[0][0]).isCloseTo(a.m()[0][0], within(1e-12));
    }

    @Test
    void isDeterministic() {
        int[][] patterns = generate(3);

        var a = ExpectationMaximisation.fit(patterns, ones(PAIRS), startingM(), flatU(), 0.1, false, 100, 1e-9);
        var b = ExpectationMaximisation.fit(patterns, ones(PAIRS), startingM(), flatU(), 0.1, false, 100, 1e-9);

        assertThat(b.m()).isDeepEqualTo(a.m());
        assertThat(b.lambda()).isEqualTo(a.lambda());
    }
}
