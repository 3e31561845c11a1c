package io.segmenthub.segment.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CustomerLifetimeValueTest {

    private static final BgNbdModel PURCHASES = BgNbdModel.of(0.243, 4.414, 0.793, 2.426);
    private static final GammaGammaModel SPEND = GammaGammaModel.of(6.25, 3.74, 15.44);
    private static final double FOUR_WEEKS = 4.0;

    /** CDNOW sample customer 1: x = 2, t_x = 30.43, T = 38.86, mean repeat value 22.35. */
    private static final PurchaseSummary CUSTOMER_1 = new PurchaseSummary("1", 2, 30.43, 38.86);

    private static CustomerLifetimeValue clv(int months, double monthlyDiscountRate) {
        return new CustomerLifetimeValue(PURCHASES, SPEND, months, monthlyDiscountRate, FOUR_WEEKS);
    }

    @Test
    void matchesLifetimesMonthByMonthDiscountedSum() {
        // Reference: lifetimes' _customer_lifetime_value formula (freq "W", factor 4.345) with
        // scipy.special.hyp2f1, for the published BG/NBD and Gamma-Gamma parameters.
        assertThat(clv(12, 0.01).estimate(CUSTOMER_1, 22.35)).hasValueCloseTo(36.28921112559922, within(1e-6));
        assertThat(clv(12, 0.0).estimate(CUSTOMER_1, 22.35)).hasValueCloseTo(38.528525050725904, within(1e-6));
        assertThat(clv(12, 0.01).estimate(new PurchaseSummary("once", 0, 0, 38.86), 0.0))
                .hasValueCloseTo(8.369004358920183, within(1e-6));
    }

    @Test
    void undiscountedValueIsExpectedPurchasesTimesExpectedSpend() {
        double purchases = PURCHASES.conditionalExpectedPurchases(12 * CustomerLifetimeValue.WEEKS_PER_MONTH, CUSTOMER_1);
        double spend = SPEND.conditionalExpectedAverageValue(2, 22.35);

        assertThat(clv(12, 0.0).estimate(CUSTOMER_1, 22.35)).hasValueCloseTo(purchases * spend, within(1e-9));
    }

    @Test
    void aHigherDiscountRateGivesALowerValue() {
        double previous = clv(24, 0.0).estimate(CUSTOMER_1, 22.35).orElseThrow();
        for (double rate : new double[] {0.005, 0.01, 0.02, 0.05}) {
            double discounted = clv(24, rate).estimate(CUSTOMER_1, 22.35).orElseThrow();
            assertThat(discounted).as("rate %s", rate).isLessThan(previous);
            previous = discounted;
        }
    }

    @Test
    void aLongerHorizonGivesAHigherValue() {
        assertThat(clv(24, 0.01).estimate(CUSTOMER_1, 22.35).orElseThrow())
                .isGreaterThan(clv(12, 0.01).estimate(CUSTOMER_1, 22.35).orElseThrow());
    }

    @Test
    void aCustomerWithTooShortAHistoryGetsNoEstimate() {
        PurchaseSummary threeWeeks = new PurchaseSummary("new", 3, 2.9, 3.0);
        PurchaseSummary fourWeeks = new PurchaseSummary("settled", 3, 3.9, 4.0);

        assertThat(clv(12, 0.01).estimate(threeWeeks, 50.0)).isEmpty();
        assertThat(clv(12, 0.01).estimate(fourWeeks, 50.0)).isPresent();
    }

    @Test
    void theMinimumAgeIsConfigurable() {
        PurchaseSummary threeWeeks = new PurchaseSummary("new", 3, 2.9, 3.0);

        OptionalDouble lenient = new CustomerLifetimeValue(PURCHASES, SPEND, 12, 0.01, 0.0).estimate(threeWeeks, 50.0);

        assertThat(lenient).isPresent();
        assertThat(lenient.getAsDouble()).isPositive();
    }

    @Test
    void repeatSpendOfTheSameCustomerGivesTheSameEstimate() {
        assertThat(clv(12, 0.01).estimate(CUSTOMER_1, new RepeatSpend("1", 2, 22.35)))
                .isEqualTo(clv(12, 0.01).estimate(CUSTOMER_1, 22.35));
    }

    @Nested
    class Rejects {

        @Test
        void aHorizonShorterThanOneMonth() {
            assertThatThrownBy(() -> clv(0, 0.01))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("horizon");
        }

        @Test
        void aNegativeDiscountRate() {
            assertThatThrownBy(() -> clv(12, -0.01))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("discount rate");
        }

        @Test
        void repeatSpendOfAnotherCustomer() {
            assertThatThrownBy(() -> clv(12, 0.01).estimate(CUSTOMER_1, new RepeatSpend("2", 2, 22.35)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("same customer");
        }
    }
}
