package io.segmenthub.system;

import java.util.ArrayList;
import java.util.Collections;
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

    /**
     * {@code (VALUES (?), (?), …)}, one row per value, to join a table on instead of
     * {@code a = ? AND b IN (…)} when the index is on {@code (a, b)}: H2 uses such an index only for
     * {@code a} and reads every row with that {@code a} (a whole source system's records, per
     * look-up, so ingest grew with the square of the store); joined to a values table it looks each
     * value up. PostgreSQL plans both forms alike.
     */
    public static String valuesTable(int count) {
        return valuesTable(count, "?");
    }

    /**
     * The same with each row's value written as {@code placeholder}, such as {@code CAST(? AS BYTEA)}:
     * H2 takes an untyped parameter in a values table for text, and text does not compare with bytes.
     */
    public static String valuesTable(int count, String placeholder) {
        if (count < 1) {
            throw new IllegalArgumentException("a values table needs at least one row");
        }
        return "(VALUES " + String.join(", ", Collections.nCopies(count, "(" + placeholder + ")")) + ")";
    }

    /**
     * PostgreSQL: {@code unnest(<array>) AS wanted(<column>) CROSS JOIN LATERAL (<probe> OFFSET 0) AS found},
     * each value of an array looked up by index in turn, any number of them in one statement; the
     * probe refers to the value as {@code wanted.<column>}. Joined to a values table or asked as
     * {@code = ANY(?)}, PostgreSQL chooses by its statistics and, for a batch's thousands of values,
     * chose to read the whole table: a consent ledger of 440,000 events took 75 ms per batch that
     * way against 22 ms by index, and a purchase table grown from empty during the run 82 ms
     * against 12 ms, the cost growing with the table. {@code OFFSET 0} keeps the planner from
     * turning the look-ups back into such a join.
     */
    public static String eachLookedUp(String array, String column, String probe) {
        return "unnest(" + array + ") AS wanted(" + column + ") CROSS JOIN LATERAL (" + probe + " OFFSET 0) AS found";
    }
}
