package io.segmenthub.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.ConnectionCallback;
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

    /**
     * Sets one column of many rows found by their {@code id}. On PostgreSQL one
     * {@code UPDATE … FROM (VALUES …)} per slice of {@link InLists#SIZE} rows: a batch of 600,000
     * single-row updates (every source record's golden id, on a first run over a million source
     * rows) took 20 s. Elsewhere a batch of single-row updates, as H2 has no {@code UPDATE … FROM}.
     *
     * @param table  a table of the caller's (never user input), with a {@code BIGINT id} key (see the
     *               overload for another key column)
     * @param column the column to set, of the caller's too
     */
    public static void setById(JdbcTemplate jdbc, String table, String column, Map<Long, ?> values) {
        setById(jdbc, table, "id", column, values);
    }

    /** The same for a table whose key column is {@code key}. */
    public static void setById(JdbcTemplate jdbc, String table, String key, String column, Map<Long, ?> values) {
        List<Object[]> rows = new ArrayList<>(values.size());
        values.forEach((id, value) -> rows.add(new Object[]{id, value}));
        if (!postgres(jdbc)) {
            run(jdbc, "UPDATE " + table + " SET " + column + " = ? WHERE " + key + " = ?",
                    rows.stream().map(r -> new Object[]{r[1], r[0]}).toList());
            return;
        }
        for (List<Object[]> slice : InLists.of(rows)) {
            List<Object> params = new ArrayList<>(slice.size() * 2);
            slice.forEach(r -> Collections.addAll(params, r));
            // the same "UPDATE table SET column" opening as elsewhere, no alias: fault tests and logs match on it
            jdbc.update("UPDATE " + table + " SET " + column + " = v.value FROM (VALUES "
                    + String.join(", ", Collections.nCopies(slice.size(), "(?, ?)")) + ") AS v(id, value) WHERE "
                    + table + "." + key + " = v.id", params.toArray());
        }
    }

    /** Whether the store behind {@code jdbc} is PostgreSQL (else H2, the other store the hub runs on). */
    public static boolean postgres(JdbcTemplate jdbc) {
        return Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) connection ->
                "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())));
    }
}
