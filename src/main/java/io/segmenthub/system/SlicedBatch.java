package io.segmenthub.system;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A JDBC batch of positional rows sent {@link #ROWS} at a time. A first run over a million
 * source rows writes some two million rows at once to a table; as one batch of named-parameter
 * maps (with the driver's own copy of every row's parameters) that filled most of a 2 GiB heap.
 */
public final class SlicedBatch {

    public static final int ROWS = 10_000;

    private SlicedBatch() {
    }

    /** Runs {@code sql} once per row of {@code rows}, its {@code ?} bound to the row's values in order. */
    public static void run(JdbcTemplate jdbc, String sql, List<Object[]> rows) {
        for (int from = 0; from < rows.size(); from += ROWS) {
            jdbc.batchUpdate(sql, rows.subList(from, Math.min(rows.size(), from + ROWS)));
        }
    }
}
