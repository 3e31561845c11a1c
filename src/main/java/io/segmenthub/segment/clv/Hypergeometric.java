package io.segmenthub.segment.clv;

/**
 * The Gaussian hypergeometric function <sub>2</sub>F<sub>1</sub>(a, b; c; z), which the BG/NBD
 * expectations (Fader, Hardie &amp; Lee 2005, eqs. 7 and 10) need, summed from its power series
 * Σ<sub>n</sub> (a)<sub>n</sub>(b)<sub>n</sub> / ((c)<sub>n</sub> n!) z<sup>n</sup>.
 * <p>
 * Why the plain series is enough here: BG/NBD evaluates it at z = t / (α + T + t) with α &gt; 0 and
 * t, T ≥ 0, so 0 ≤ z &lt; 1, inside the radius of convergence; and a, b, c are sums of positive
 * model parameters, so every term is positive and nothing cancels. The ratio of consecutive terms
 * (a+n)(b+n) / ((c+n)(n+1)) · z tends to z &lt; 1, so once it falls below 1 the terms shrink at
 * least geometrically and the remaining tail is bounded by term · ρ / (1 - ρ), with ρ the larger
 * of the current ratio and z (the ratio approaches z monotonically from one side for large n). We
 * stop when that bound is below {@link #TOLERANCE} relative to the sum. The number of terms grows
 * like log(ε) / log(z): a few dozen for the usual horizons, thousands only when t dwarfs α + T.
 */
final class Hypergeometric {

    static final double TOLERANCE = 1e-15;
    static final int MAX_TERMS = 1_000_000;

    private Hypergeometric() {
    }

    static double gauss2F1(double a, double b, double c, double z) {
        if (!(z >= 0 && z < 1)) {
            throw new IllegalArgumentException("2F1 series needs 0 <= z < 1, got " + z);
        }
        if (!(a > 0 && b > 0 && c > 0)) {
            throw new IllegalArgumentException("2F1 series needs positive a, b, c, got " + a + ", " + b + ", " + c);
        }
        double term = 1.0;
        double sum = 1.0;
        for (int n = 0; n < MAX_TERMS; n++) {
            double ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            term *= ratio;
            sum += term;
            if (!Double.isFinite(sum)) {
                throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") overflows a double");
            }
            double nextRatio = (a + n + 1) * (b + n + 1) / ((c + n + 1) * (n + 2)) * z;
            double bound = Math.max(nextRatio, z);
            if (bound < 1 && term * bound / (1 - bound) <= TOLERANCE * sum) {
                return sum;
            }
        }
        throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") series did not converge in " + MAX_TERMS + " terms");
    }
}
