package io.segmenthub.profile.matching;

import java.util.Objects;

/** An unordered pair of record ids, stored with the smaller id on the left. */
public record RecordPair(String left, String right) {

    public RecordPair {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
        if (left.equals(right)) {
            throw new IllegalArgumentException("a pair needs two different records");
        }
        if (left.compareTo(right) > 0) {
            String t = left;
            left = right;
            right = t;
        }
    }

    public static RecordPair of(String a, String b) {
        return new RecordPair(a, b);
    }
}
