package io.segmenthub.segment.clv;

import static org.hipparchus.special.Gamma.logGamma;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The Gamma-Gamma model of spend per transaction, from P. S. Fader, B. G. S. Hardie and K. L. Lee
 * (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis", Journal of Marketing
 * Research 42(4), 415–430, as written out in Fader &amp; Hardie, "The Gamma-Gamma Model of Monetary
 * Value" (2013, brucehardie.com/notes/025).
 * <p>
 * A customer's transaction values are Gamma(p, ν) around their own mean p/ν, and ν varies across
 * customers as Gamma(q, γ). Seeing x repeat transactions with mean m<sub>x</sub> moves the
 * population's expected spend towards m<sub>x</sub>, the more so the larger x. The model assumes
 * spend is independent of purchase frequency, so it is combined with {@link BgNbdModel} in
 * {@link CustomerLifetimeValue}; check that assumption (the correlation of x and m<sub>x</sub>)
 * before trusting the product.
 * <p>
 * The fit maximises the likelihood of the observed means (note 025) over log p, log q,
 * log γ; customers without repeat purchases carry no spend information and are left out.
 */
public final class GammaGammaModel {

    private final double p;
    private final double q;
    private final double gamma;
    private final double logLikelihood;

    private GammaGammaModel(double p, double q, double gamma, double logLikelihood) {
        this.p = p;
        this.q = q;
        this.gamma = gamma;
        this.logLikelihood = logLikelihood;
    }

    /** A model with known parameters; its {@link #logLikelihood()} is NaN. */
    public static GammaGammaModel of(double p, double q, double gamma) {
        requirePositive("p", p);
        requirePositive("q", q);
        requirePositive("gamma", gamma);
        return new GammaGammaModel(p, q, gamma, Double.NaN);
    }

    /**
     * Fits the model on the repeat buyers among {@code customers} (frequency ≥ 1); the others are
     * skipped. A repeat buyer with mean value 0 is rejected: the model has no zero spend.
     */
    public static GammaGammaModel fit(List<RepeatSpend> customers) {
        Objects.requireNonNull(customers, "customers");
        List<RepeatSpend> repeatBuyers = customers.stream().filter(c -> c.frequency() > 0).toList();
        if (repeatBuyers.isEmpty()) {
            throw new ClvFitException("Gamma-Gamma: no repeat buyers to fit on (" + customers.size() + " customers given)");
        }
        for (RepeatSpend c : repeatBuyers) {
            if (!(c.meanValue() > 0)) {
                throw new ClvFitException("Gamma-Gamma: customer " + c.customerId()
                        + " has repeat purchases with mean value 0; the model needs positive spend, leave such customers out");
            }
        }
        Observations data = Observations.of(repeatBuyers);
        double meanSpend = repeatBuyers.stream().mapToDouble(RepeatSpend::meanValue).average().orElseThrow();
        // p, q, gamma; E[value] = p·gamma/(q-1), so gamma starts on the scale of the data.
        List<double[]> starts = List.of(
                new double[] {1.0, 2.0, meanSpend},
                new double[] {5.0, 4.0, meanSpend / 2},
                new double[] {0.5, 1.5, meanSpend / 4});
        MaximumLikelihood.Estimate best = MaximumLikelihood.maximise("Gamma-Gamma", data::logLikelihood, starts);
        double[] theta = best.parameters();
        return new GammaGammaModel(theta[0], theta[1], theta[2], best.logLikelihood());
    }

    public double p() {
        return p;
    }

    public double q() {
        return q;
    }

    public double gamma() {
        return gamma;
    }

    /** The maximised log-likelihood of the fit data (NaN for a model made with {@link #of}). */
    public double logLikelihood() {
        return logLikelihood;
    }

    /**
     * E[M | x, m<sub>x</sub>] = p (γ + x m<sub>x</sub>) / (p x + q - 1): a weighted mean of the
     * population mean p γ / (q - 1) and the customer's own mean. With x = 0 it is the population
     * mean and {@code meanValue} is ignored. Needs q &gt; 1 (otherwise the mean spend is infinite).
     */
    public double conditionalExpectedAverageValue(int frequency, double meanValue) {
        if (frequency < 0) {
            throw new IllegalArgumentException("frequency must not be negative, got " + frequency);
        }
        if (!(q > 1)) {
            throw new IllegalStateException("Gamma-Gamma with q = " + q + " <= 1 has no finite expected spend");
        }
        double observed = frequency == 0 ? 0 : frequency * meanValue;
        return p * (gamma + observed) / (p * frequency + q - 1);
    }

    @Override
    public String toString() {
        return "GammaGammaModel[p=%.4f, q=%.4f, gamma=%.4f, logLikelihood=%.4f]".formatted(p, q, gamma, logLikelihood);
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a positive number, got " + value);
        }
    }

    /** Repeat buyers with their logs precomputed, since only γ + x·m changes with the parameters. */
    private record Observations(double[] x, double[] logX, double[] mean, double[] logMean) {

        static Observations of(List<RepeatSpend> customers) {
            // Sorted by x so the x-only log-gamma terms change only when x does.
            List<RepeatSpend> repeatBuyers = customers.stream().sorted(Comparator.comparingInt(RepeatSpend::frequency)).toList();
            int n = repeatBuyers.size();
            double[] x = new double[n];
            double[] logX = new double[n];
            double[] mean = new double[n];
            double[] logMean = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = repeatBuyers.get(i).frequency();
                logX[i] = Math.log(x[i]);
                mean[i] = repeatBuyers.get(i).meanValue();
                logMean[i] = Math.log(mean[i]);
            }
            return new Observations(x, logX, mean, logMean);
        }

        /**
         * Σ lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln γ + (px-1) ln m + px ln x - (px+q) ln(γ + x m),
         * the log density of each customer's mean m given x.
         */
        double logLikelihood(double[] theta) {
            double p = theta[0];
            double q = theta[1];
            double gamma = theta[2];
            double common = -logGamma(q) + q * Math.log(gamma);
            return ChunkedSum.of(x.length, (from, to) -> {
                double sum = 0;
                double lastX = -1;
                double xOnly = 0;
                for (int i = from; i < to; i++) {
                    double px = p * x[i];
                    if (x[i] != lastX) {
                        xOnly = logGamma(px + q) - logGamma(px);
                        lastX = x[i];
                    }
                    sum += common + xOnly + (px - 1) * logMean[i] + px * logX[i] - (px + q) * Math.log(gamma + x[i] * mean[i]);
                }
                return sum;
            });
        }
    }
}
