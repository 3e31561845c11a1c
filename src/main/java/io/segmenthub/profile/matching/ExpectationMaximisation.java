package io.segmenthub.profile.matching;

/**
 * Expectation-maximisation for the Fellegi-Sunter mixture of matches and non-matches, with
 * comparisons assumed independent within each class (Winkler 1988, "Using the EM algorithm for
 * weight computation in the Fellegi-Sunter model of record linkage"; Jaro 1989). Works on distinct
 * comparison patterns with their counts, so its cost does not grow with the number of pairs. A
 * comparison at its null level ({@code -1}) is left out of both the likelihood and the updates.
 * Deterministic: the same input gives the same estimate.
 */
final class ExpectationMaximisation {

    /** Probabilities never reach 0 or 1, which would make a weight infinite. */
    static final double FLOOR = 1e-6;

    record Estimate(double[][] m, double[][] u, double lambda, int iterations) {
    }

    private ExpectationMaximisation() {
    }

    /**
     * @param patterns distinct level vectors, one per row
     * @param counts   how many pairs have each pattern
     * @param fixU     keep {@code u} as given (estimated from random pairs) and learn only m and λ
     */
    static Estimate fit(int[][] patterns, long[] counts, double[][] m0, double[][] u0, double lambda0,
                        boolean fixU, int maxIterations, double tolerance) {
        int k = m0.length;
        double[][] m = copy(m0);
        double[][] u = copy(u0);
        double lambda = lambda0;
        int iteration = 0;
        while (iteration < maxIterations) {
            iteration++;
            double[][] mSum = new double[k][];
            double[][] uSum = new double[k][];
            for (int c = 0; c < k; c++) {
                mSum[c] = new double[m[c].length];
                uSum[c] = new double[u[c].length];
            }
            double matches = 0;
            double total = 0;
            for (int p = 0; p < patterns.length; p++) {
                int[] levels = patterns[p];
                double logM = Math.log(lambda);
                double logU = Math.log(1 - lambda);
                for (int c = 0; c < k; c++) {
                    if (levels[c] >= 0) {
                        logM += Math.log(m[c][levels[c]]);
                        logU += Math.log(u[c][levels[c]]);
                    }
                }
                double w = 1 / (1 + Math.exp(logU - logM));
                double n = counts[p];
                matches += w * n;
                total += n;
                for (int c = 0; c < k; c++) {
                    if (levels[c] >= 0) {
                        mSum[c][levels[c]] += w * n;
                        uSum[c][levels[c]] += (1 - w) * n;
                    }
                }
            }
            double change = 0;
            double nextLambda = clamp(matches / total);
            change = Math.max(change, Math.abs(nextLambda - lambda));
            lambda = nextLambda;
            for (int c = 0; c < k; c++) {
                change = Math.max(change, normaliseInto(mSum[c], m[c]));
                if (!fixU) {
                    change = Math.max(change, normaliseInto(uSum[c], u[c]));
                }
            }
            if (change < tolerance) {
                break;
            }
        }
        return new Estimate(m, u, lambda, iteration);
    }

    /** Writes the normalised, floored sums into {@code target}; returns the largest change. */
    private static double normaliseInto(double[] sums, double[] target) {
        double total = 0;
        for (double s : sums) {
            total += s;
        }
        if (total <= 0) {
            return 0; // no pair had this comparison filled in: keep the previous estimate
        }
        double change = 0;
        double[] next = new double[sums.length];
        double norm = 0;
        for (int l = 0; l < sums.length; l++) {
            next[l] = Math.max(sums[l] / total, FLOOR);
            norm += next[l];
        }
        for (int l = 0; l < sums.length; l++) {
            double v = next[l] / norm;
            change = Math.max(change, Math.abs(v - target[l]));
            target[l] = v;
        }
        return change;
    }

    static double clamp(double p) {
        return Math.min(1 - FLOOR, Math.max(FLOOR, p));
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
