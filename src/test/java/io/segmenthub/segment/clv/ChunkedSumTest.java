package io.segmenthub.segment.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class ChunkedSumTest {

    /** Terms of very different sizes, so that the order of additions shows in the last bits. */
    private static final ChunkedSum.Range TERMS = (from, to) -> {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.log1p(i) * (i % 7 == 0 ? 1e6 : 1e-3);
        }
        return sum;
    };

    private static double onCores(int cores, int n) throws Exception {
        ForkJoinPool pool = new ForkJoinPool(cores);
        try {
            return pool.submit(() -> ChunkedSum.of(n, TERMS)).get();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theSameTotalBitForBitWhateverTheNumberOfCores() throws Exception {
        int n = 200_003;

        double one = onCores(1, n);

        assertThat(onCores(2, n)).isEqualTo(one);
        assertThat(onCores(8, n)).isEqualTo(one);
        assertThat(one).isCloseTo(TERMS.sum(0, n), within(Math.abs(one) * 1e-12));
    }

    @Test
    void aSmallRangeIsSummedInOrderAsBefore() {
        int n = ChunkedSum.SEQUENTIAL_BELOW - 1;

        assertThat(ChunkedSum.of(n, TERMS)).isEqualTo(TERMS.sum(0, n));
    }
}
