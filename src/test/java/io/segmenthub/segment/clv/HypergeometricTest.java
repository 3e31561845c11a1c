package io.segmenthub.segment.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HypergeometricTest {

    private static final double REFERENCE = 3.2979520730808214;

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.1, 0.5, 0.9, 0.99, 0.999})
    void matchesTheClosedFormOfTheLogarithm(double z) {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z
        double expected = z == 0 ? 1 : -Math.log1p(-z) / z;
        assertThat(Hypergeometric.gauss2F1(1, 1, 2, z)).isCloseTo(expected, within(1e-12 * expected));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.47, 0.8, 0.95})
    void matchesTheBinomialSeriesWhenBEqualsC(double z) {
        // 2F1(a, b; b; z) = (1 - z)^-a
        double expected = Math.pow(1 - z, -2.7);
        assertThat(Hypergeometric.gauss2F1(2.7, 3.1, 3.1, z)).isCloseTo(expected, within(1e-12 * expected));
    }

    @Test
    void matchesAValueWithBgNbdLikeArguments() {
        // 2F1(2.243, 4.426; 5.219; 0.474): reference value from mpmath.hyp2f1 (3.29795207308082) and scipy.special.hyp2f1.
        assertThat(Hypergeometric.gauss2F1(2.243, 4.426, 5.219, 0.474)).isCloseTo(REFERENCE, within(1e-12));
    }

    @Nested
    class Rejects {

        @Test
        void argumentsOutsideTheUnitInterval() {
            assertThatThrownBy(() -> Hypergeometric.gauss2F1(1, 1, 2, 1.0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Hypergeometric.gauss2F1(1, 1, 2, -0.1)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void nonPositiveParameters() {
            assertThatThrownBy(() -> Hypergeometric.gauss2F1(1, 1, 0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
