package io.segmenthub.system;

import java.util.ArrayList;
import java.util.List;

/**
 * Values for {@code IN (:values)} split into lists of at most {@link #SIZE}: well under
 * PostgreSQL's 32,767 bind parameters per statement, and a size both stores plan well.
 */
public final class InLists {

    public static final int SIZE = 1_000;

    private InLists() {
    }

    /** Consecutive slices of {@code values}, in their order; none for an empty list. */
    public static <T> List<List<T>> of(List<T> values) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < values.size(); from += SIZE) {
            chunks.add(values.subList(from, Math.min(values.size(), from + SIZE)));
        }
        return chunks;
    }
}
