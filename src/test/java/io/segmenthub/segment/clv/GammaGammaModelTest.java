package io.segmenthub.segment.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GammaGammaModelTest {

    /** Fader, Hardie &amp; Lee (2005), "RFM and CLV", spend model on the CDNOW repeat buyers. */
    private static final GammaGammaModel PUBLISHED = GammaGammaModel.of(6.25, 3.74, 15.44);

    @Test
    void fitOnTheCdnowRepeatBuyersReproducesThePublishedParameters() {
        List<RepeatSpend> repeatBuyers = Cdnow.repeatBuyers();
        assertThat(repeatBuyers).hasSize(946);

        GammaGammaModel fit = GammaGammaModel.fit(repeatBuyers);

        assertThat(fit.p()).isCloseTo(6.25, withinPercentage(1));
        assertThat(fit.q()).isCloseTo(3.74, withinPercentage(1));
        assertThat(fit.gamma()).isCloseTo(15.44, withinPercentage(1));
        assertThat(fit.logLikelihood()).isFinite().isNegative();
    }

    @Test
    void fitSkipsCustomersWithoutRepeatPurchases() {
        List<RepeatSpend> withOneTimeBuyers = new ArrayList<>(Cdnow.repeatBuyers());
        withOneTimeBuyers.add(new RepeatSpend("once-1", 0, 0.0));
        withOneTimeBuyers.add(new RepeatSpend("once-2", 0, 0.0));

        GammaGammaModel fit = GammaGammaModel.fit(withOneTimeBuyers);

        assertThat(fit.p()).isCloseTo(6.25, withinPercentage(1));
        assertThat(fit.gamma()).isCloseTo(15.44, withinPercentage(1));
    }

    @Test
    void expectedValueShrinksTheCustomersMeanTowardsThePopulationMean() {
        double populationMean = 6.25 * 15.44 / (3.74 - 1);

        // p (γ + x m) / (p x + q - 1) for x = 2, m = 22.35, checked by hand.
        assertThat(PUBLISHED.conditionalExpectedAverageValue(2, 22.35)).isCloseTo(24.663713910761153, within(1e-9));
        assertThat(PUBLISHED.conditionalExpectedAverageValue(0, 999)).isCloseTo(populationMean, within(1e-9));
        assertThat(PUBLISHED.conditionalExpectedAverageValue(1, 100)).isBetween(populationMean, 100.0);
    }

    @Test
    void moreRepeatPurchasesMakeTheCustomersOwnMeanCountMore() {
        double previous = PUBLISHED.conditionalExpectedAverageValue(1, 100);
        for (int x = 2; x <= 50; x++) {
            double expected = PUBLISHED.conditionalExpectedAverageValue(x, 100);
            assertThat(expected).as("x = %d", x).isGreaterThan(previous).isLessThan(100);
            previous = expected;
        }
    }

    @Nested
    class Rejects {

        @Test
        void anEmptyList() {
            assertThatThrownBy(() -> GammaGammaModel.fit(List.of()))
                    .isInstanceOf(ClvFitException.class)
                    .hasMessageContaining("no repeat buyers");
        }

        @Test
        void aListWithoutRepeatBuyers() {
            assertThatThrownBy(() -> GammaGammaModel.fit(List.of(new RepeatSpend("once", 0, 0.0))))
                    .isInstanceOf(ClvFitException.class)
                    .hasMessageContaining("no repeat buyers");
        }

        @Test
        void aRepeatBuyerWhoSpentNothing() {
            List<RepeatSpend> customers = List.of(new RepeatSpend("paid", 2, 10.0), new RepeatSpend("free", 1, 0.0));

            assertThatThrownBy(() -> GammaGammaModel.fit(customers))
                    .isInstanceOf(ClvFitException.class)
                    .hasMessageContaining("customer free");
        }

        @Test
        void aNegativeFrequency() {
            assertThatThrownBy(() -> PUBLISHED.conditionalExpectedAverageValue(-1, 10))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
