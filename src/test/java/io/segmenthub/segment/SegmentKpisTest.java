package io.segmenthub.segment;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SegmentKpisTest {

    @Test
    void theIntervalForTheDifferenceOfConversionRatesFollowsTheWaldFormula() {
        var treated = new SegmentKpis.Group(1000, 120, 40, BigDecimal.valueOf(5000));
        var holdout = new SegmentKpis.Group(100, 8, 2, BigDecimal.valueOf(300));

        double[] ci = SegmentKpis.interval(treated, holdout).orElseThrow();

        double se = Math.sqrt(0.12 * 0.88 / 1000 + 0.08 * 0.92 / 100);
        assertThat(ci[0]).isCloseTo(0.04 - 1.96 * se, within(1e-12));
        assertThat(ci[1]).isCloseTo(0.04 + 1.96 * se, within(1e-12));
        assertThat(treated.revenuePerMember()).isEqualByComparingTo("5.00");
        assertThat(treated.repurchaseRate()).isCloseTo(0.04, within(1e-12));
    }

    @Test
    void noHoldoutMeansNoInterval() {
        var treated = new SegmentKpis.Group(10, 1, 0, BigDecimal.TEN);
        var holdout = new SegmentKpis.Group(0, 0, 0, BigDecimal.ZERO);

        assertThat(SegmentKpis.interval(treated, holdout)).isEmpty();
        assertThat(holdout.conversion()).isZero();
        assertThat(holdout.revenuePerMember()).isEqualByComparingTo("0");
    }
}
