package io.segmenthub.segment.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BgNbdModelTest {

    /** Fader, Hardie &amp; Lee (2005), "Counting your customers the easy way", CDNOW calibration. */
    private static final BgNbdModel PUBLISHED = BgNbdModel.of(0.243, 4.414, 0.793, 2.426);

    /** The paper's worked example: customer with x = 2, t_x = 30.43, T = 38.86. */
    private static final PurchaseSummary EXAMPLE = new PurchaseSummary("example", 2, 30.43, 38.86);

    private static BgNbdModel cdnowFit;

    @BeforeAll
    static void fitCdnow() {
        cdnowFit = BgNbdModel.fit(Cdnow.calibrationSummaries());
    }

    @Test
    void fitOnCdnowReproducesThePublishedParameters() {
        assertThat(cdnowFit.r()).isCloseTo(0.243, withinPercentage(1));
        assertThat(cdnowFit.alpha()).isCloseTo(4.414, withinPercentage(1));
        assertThat(cdnowFit.a()).isCloseTo(0.793, withinPercentage(1));
        assertThat(cdnowFit.b()).isCloseTo(2.426, withinPercentage(1));
        // The paper reports LL = -9582.4 for the CDNOW calibration data.
        assertThat(cdnowFit.logLikelihood()).isCloseTo(-9582.4, withinPercentage(0.01));
    }

    @Test
    void fitIsDeterministic() {
        BgNbdModel again = BgNbdModel.fit(Cdnow.calibrationSummaries());

        assertThat(again.r()).isEqualTo(cdnowFit.r());
        assertThat(again.alpha()).isEqualTo(cdnowFit.alpha());
        assertThat(again.a()).isEqualTo(cdnowFit.a());
        assertThat(again.b()).isEqualTo(cdnowFit.b());
    }

    @Test
    void conditionalExpectationMatchesThePapersWorkedExample() {
        assertThat(PUBLISHED.conditionalExpectedPurchases(39, EXAMPLE)).isCloseTo(1.226, withinPercentage(1));
        assertThat(cdnowFit.conditionalExpectedPurchases(39, EXAMPLE)).isCloseTo(1.226, withinPercentage(1));
    }

    @Test
    void expectedPurchasesOfANewCustomerMatchAnIndependentEvaluationOfEquation7() {
        // (a+b-1)/(a-1) [1 - (α/(α+t))^r 2F1(r, b; a+b-1; t/(α+t))] at t = 78 weeks, evaluated with
        // scipy.special.hyp2f1 for the published parameters.
        assertThat(PUBLISHED.expectedPurchases(78)).isCloseTo(1.8605190579427455, within(1e-9));
        assertThat(PUBLISHED.expectedPurchases(0)).isZero();
    }

    @Test
    void expectedPurchasesGrowWithTheHorizon() {
        double previous = 0;
        for (double t = 1; t <= 104; t += 1) {
            double expected = PUBLISHED.expectedPurchases(t);
            assertThat(expected).as("E[X(%s)]", t).isGreaterThan(previous);
            previous = expected;
        }
    }

    @Test
    void conditionalExpectedPurchasesGrowWithTheHorizon() {
        double previous = 0;
        for (double t = 1; t <= 104; t += 1) {
            double expected = PUBLISHED.conditionalExpectedPurchases(t, EXAMPLE);
            assertThat(expected).as("E[Y(%s)]", t).isGreaterThan(previous);
            previous = expected;
        }
    }

    @Test
    void aCustomerWithoutRepeatPurchasesIsCertainlyAlive() {
        assertThat(PUBLISHED.probabilityAlive(new PurchaseSummary("once", 0, 0, 38.86))).isEqualTo(1.0);
        assertThat(PUBLISHED.probabilityAlive(new PurchaseSummary("new", 0, 0, 0.5))).isEqualTo(1.0);
    }

    @Test
    void probabilityAliveFallsAsTheLastPurchaseRecedesForTheSameFrequency() {
        List<Double> alive = new ArrayList<>();
        for (double recency = 38; recency >= 2; recency -= 4) {
            alive.add(PUBLISHED.probabilityAlive(new PurchaseSummary("c", 3, recency, 38.86)));
        }

        assertThat(alive).isSortedAccordingTo((x, y) -> Double.compare(y, x)).doesNotHaveDuplicates();
        assertThat(alive.get(0)).isGreaterThan(0.8);
        assertThat(alive.get(alive.size() - 1)).isLessThan(0.2);
    }

    @Test
    void aCustomerWhoStoppedBuyingIsExpectedToBuyLessThanOneStillBuying() {
        PurchaseSummary lapsed = new PurchaseSummary("lapsed", 5, 5, 38.86);
        PurchaseSummary active = new PurchaseSummary("active", 5, 38, 38.86);

        assertThat(PUBLISHED.conditionalExpectedPurchases(39, lapsed))
                .isLessThan(PUBLISHED.conditionalExpectedPurchases(39, active) / 2);
    }

    @Nested
    class Rejects {

        @Test
        void anEmptyListOfCustomers() {
            assertThatThrownBy(() -> BgNbdModel.fit(List.of()))
                    .isInstanceOf(ClvFitException.class)
                    .hasMessageContaining("no customers");
        }

        @Test
        void aNegativeHorizon() {
            assertThatThrownBy(() -> PUBLISHED.expectedPurchases(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("horizon");
            assertThatThrownBy(() -> PUBLISHED.conditionalExpectedPurchases(Double.NaN, EXAMPLE))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void nonPositiveParameters() {
            assertThatThrownBy(() -> BgNbdModel.of(0.2, 0, 0.8, 2.4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("alpha");
        }

        @Test
        void aRecencyBeyondTheAge() {
            assertThatThrownBy(() -> new PurchaseSummary("c", 1, 40, 38.86))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("recency");
        }
    }
}
