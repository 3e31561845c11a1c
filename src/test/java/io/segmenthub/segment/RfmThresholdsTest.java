package io.segmenthub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RfmThresholdsTest {

    private static final List<Double> VALID = List.of(1.0, 2.0, 3.0, 4.0);

    @Test
    void acceptsEqualNeighboursBecauseTiedQuantilesAreEqual() {
        RfmThresholds cuts = new RfmThresholds(VALID, List.of(1.0, 1.0, 1.0, 2.2), VALID);

        assertThat(cuts.frequency()).containsExactly(1.0, 1.0, 1.0, 2.2);
    }

    @Test
    void keepsItsOwnCopyOfTheCutPoints() {
        List<Double> monetary = new ArrayList<>(VALID);
        RfmThresholds cuts = new RfmThresholds(VALID, VALID, monetary);

        monetary.set(0, 99.0);

        assertThat(cuts.monetary()).containsExactly(1.0, 2.0, 3.0, 4.0);
    }

    @Nested
    class Rejects {

        @Test
        void fewerThanFourCutPointsNamingTheDimension() {
            assertThatThrownBy(() -> new RfmThresholds(List.of(1.0, 2.0, 3.0), VALID, VALID))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("recencyDays needs exactly 4 cut points, got 3");
        }

        @Test
        void moreThanFourCutPoints() {
            assertThatThrownBy(() -> new RfmThresholds(VALID, VALID, List.of(1.0, 2.0, 3.0, 4.0, 5.0)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("monetary needs exactly 4 cut points, got 5");
        }

        @Test
        void descendingCutPoints() {
            assertThatThrownBy(() -> new RfmThresholds(VALID, List.of(1.0, 3.0, 2.0, 4.0), VALID))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("frequency cut points must be ascending");
        }

        @Test
        void aCutPointThatIsNotAFiniteNumber() {
            assertThatThrownBy(() -> new RfmThresholds(VALID, List.of(1.0, Double.NaN, 3.0, 4.0), VALID))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("frequency cut point 2 must be a finite number");
            assertThatThrownBy(() -> new RfmThresholds(VALID, Arrays.asList(1.0, null, 3.0, 4.0), VALID))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("frequency cut point 2 must be a finite number");
        }

        @Test
        void missingCutPoints() {
            assertThatThrownBy(() -> new RfmThresholds(VALID, VALID, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("monetary cut points are missing");
        }
    }
}
