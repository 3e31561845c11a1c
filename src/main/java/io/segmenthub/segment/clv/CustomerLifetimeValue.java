package io.segmenthub.segment.clv;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Customer lifetime value over a horizon of whole months, the way lifetimes'
 * {@code GammaGammaFitter.customer_lifetime_value} combines a purchase model with the spend model
 * (Fader, Hardie &amp; Lee 2005, "RFM and CLV"):
 * <pre>
 *   CLV = Σ_{i=1..months} (E[Y(i·w) | x, t_x, T] - E[Y((i-1)·w) | x, t_x, T]) · E[M | x, m_x] / (1 + d)^i
 * </pre>
 * with w = {@value #WEEKS_PER_MONTH} weeks per month (lifetimes' factor), BG/NBD for the expected
 * purchases in month i, Gamma-Gamma for the expected value of each, and d the monthly discount rate.
 * Discounting month by month rather than once for the horizon is what makes a far-off purchase
 * worth less than a near one.
 * <p>
 * A customer seen for only a few weeks has an age T so short that BG/NBD extrapolates a single
 * early burst of purchases far into the future; such customers get no estimate (an empty result)
 * instead of a wild number, below a configurable minimum age.
 */
public final class CustomerLifetimeValue {

    /** Weeks per month, as in lifetimes (52.14 / 12). */
    public static final double WEEKS_PER_MONTH = 4.345;

    private final BgNbdModel purchases;
    private final GammaGammaModel spend;
    private final int horizonMonths;
    private final double monthlyDiscountRate;
    private final double minimumAgeWeeks;

    /**
     * @param horizonMonths       months to sum over, at least 1
     * @param monthlyDiscountRate discount rate per month, at least 0 (0.01 is 1 % a month)
     * @param minimumAgeWeeks     customers younger than this (age T in weeks) get no estimate
     */
    public CustomerLifetimeValue(BgNbdModel purchases, GammaGammaModel spend, int horizonMonths,
                                 double monthlyDiscountRate, double minimumAgeWeeks) {
        this.purchases = Objects.requireNonNull(purchases, "purchases");
        this.spend = Objects.requireNonNull(spend, "spend");
        if (horizonMonths < 1) {
            throw new IllegalArgumentException("horizon must be at least 1 month, got " + horizonMonths);
        }
        if (!(monthlyDiscountRate >= 0 && Double.isFinite(monthlyDiscountRate))) {
            throw new IllegalArgumentException("monthly discount rate must be a finite number >= 0, got " + monthlyDiscountRate);
        }
        if (!(minimumAgeWeeks >= 0 && Double.isFinite(minimumAgeWeeks))) {
            throw new IllegalArgumentException("minimum age must be a finite number of weeks >= 0, got " + minimumAgeWeeks);
        }
        this.horizonMonths = horizonMonths;
        this.monthlyDiscountRate = monthlyDiscountRate;
        this.minimumAgeWeeks = minimumAgeWeeks;
    }

    /**
     * The discounted value of the customer's expected purchases over the horizon, or empty when
     * their history is shorter than the minimum age. {@code meanRepeatValue} is the mean value of
     * their repeat purchases (ignored when they have none).
     */
    public OptionalDouble estimate(PurchaseSummary customer, double meanRepeatValue) {
        Objects.requireNonNull(customer, "customer");
        if (customer.age() < minimumAgeWeeks) {
            return OptionalDouble.empty();
        }
        double value = spend.conditionalExpectedAverageValue(customer.frequency(), meanRepeatValue);
        double clv = 0;
        double previous = 0;
        for (int month = 1; month <= horizonMonths; month++) {
            double cumulative = purchases.conditionalExpectedPurchases(month * WEEKS_PER_MONTH, customer);
            clv += (cumulative - previous) * value / Math.pow(1 + monthlyDiscountRate, month);
            previous = cumulative;
        }
        return OptionalDouble.of(clv);
    }

    /** Same as {@link #estimate(PurchaseSummary, double)} with the spend taken from {@code repeatSpend}. */
    public OptionalDouble estimate(PurchaseSummary customer, RepeatSpend repeatSpend) {
        if (!customer.customerId().equals(repeatSpend.customerId()) || customer.frequency() != repeatSpend.frequency()) {
            throw new IllegalArgumentException("purchase summary and repeat spend must describe the same customer, got "
                    + customer.customerId() + " and " + repeatSpend.customerId());
        }
        return estimate(customer, repeatSpend.meanValue());
    }
}
