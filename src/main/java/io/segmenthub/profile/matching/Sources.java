package io.segmenthub.profile.matching;

/**
 * Which record pairs a run may compare. Deduplication compares every pair; linkage of two
 * sources, each already free of duplicates (Splink's {@code link_only}), compares only pairs with
 * one record from each: records {@code [0, split)} come from the left source, the rest from the right.
 */
record Sources(int split) {

    static final Sources DEDUPLICATE = new Sources(-1);

    boolean linkage() {
        return split >= 0;
    }

    boolean comparable(int i, int j) {
        return split < 0 || (i < split) != (j < split);
    }

    /** How many pairs the run could compare in all: every pair, or every cross-source pair. */
    double allPairs(int size) {
        return split < 0 ? (double) size * (size - 1) / 2 : (double) split * (size - split);
    }
}
