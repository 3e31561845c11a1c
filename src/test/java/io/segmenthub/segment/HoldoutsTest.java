package io.segmenthub.segment;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HoldoutsTest {

    @Test
    void theSameProfileAlwaysLandsOnTheSameSide() {
        boolean first = Holdouts.inControlGroup("champions", "g-42", 0.3);
        for (int i = 0; i < 5; i++) {
            assertThat(Holdouts.inControlGroup("champions", "g-42", 0.3)).isEqualTo(first);
        }
        assertThat(Holdouts.position("champions", "g-42")).isEqualTo(Holdouts.position("champions", "g-42"));
    }

    @Test
    void aboutTheConfiguredShareIsHeldOut() {
        long held = IntStream.range(0, 20_000).filter(i -> Holdouts.inControlGroup("champions", "g-" + i, 0.1)).count();

        assertThat(held / 20_000.0).isCloseTo(0.1, within(0.01));
    }

    @Test
    void noShareMeansNoHoldout() {
        assertThat(IntStream.range(0, 1000).anyMatch(i -> Holdouts.inControlGroup("champions", "g-" + i, 0))).isFalse();
    }

    @Test
    void segmentsDrawIndependently() {
        long both = IntStream.range(0, 20_000)
                .filter(i -> Holdouts.inControlGroup("a", "g-" + i, 0.5) && Holdouts.inControlGroup("b", "g-" + i, 0.5)).count();

        assertThat(both / 20_000.0).isCloseTo(0.25, within(0.02));
    }
}
