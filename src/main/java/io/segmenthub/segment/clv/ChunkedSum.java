package io.segmenthub.segment.clv;

import java.util.stream.IntStream;

/**
 * A sum over many customers on all cores, for the log-likelihoods the optimiser evaluates
 * thousands of times per fit: the range is cut into a fixed number of chunks, summed in parallel
 * and the chunk totals added in order, so the result is the same bit for bit whatever the number of
 * cores. Small ranges are summed in one go (the published CDNOW fits among them).
 */
final class ChunkedSum {

    /** The sum of the terms of {@code [from, to)}, in order. */
    @FunctionalInterface
    interface Range {
        double sum(int from, int to);
    }

    static final int SEQUENTIAL_BELOW = 8_192;
    private static final int CHUNKS = 64;

    private ChunkedSum() {
    }

    static double of(int n, Range range) {
        if (n < SEQUENTIAL_BELOW) {
            return range.sum(0, n);
        }
        double[] partial = new double[CHUNKS];
        IntStream.range(0, CHUNKS).parallel().forEach(c ->
                partial[c] = range.sum((int) ((long) n * c / CHUNKS), (int) ((long) n * (c + 1) / CHUNKS)));
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }
}
