package io.segmenthub.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps PostgreSQL's planner statistics in step with a store that grows within one sync. A first
 * sync fills the ingest tables from nothing; autovacuum analyses them at most once a minute and
 * only past a share of their size, so for most of the sync the planner takes the tables to be a
 * few hundred rows and looks a batch of ids up by hashing every row of the source system instead of
 * through the index: 95 ms per batch of 1,000 at 40,000 stored records, and ingest that grew with
 * the square of the store (a million source rows took 236 s). So every time ingest has written as
 * many rows as the store held at the last {@code ANALYZE} (at least {@link #FIRST}), the ingest
 * tables are analysed again: a handful of times per sync, however large.
 *
 * <p>After each profile stage, inside the stages' transaction, {@link #settleWithinRun()} analyses
 * the tables that stage rewrote. At the end of a run, {@link #settle()} analyses every table that changed by
 * more than a tenth since its last analysis, autovacuum's own rule: a run cannot count on autovacuum
 * (it may be switched off, as on the machine the benchmarks ran on, and it comes at most once a
 * minute), and a re-run planned on the statistics of a store a third its size was slower than the
 * first run at a million source rows. Nothing on H2, whose plans for these look-ups do not depend on
 * statistics.
 */
@Component
public class StoreStatistics {

    static final List<String> INGEST_TABLES = List.of("source_record", "record_index", "consent_event", "purchase",
            "engagement_event", "data_key", "erasure_tombstone");
    static final long FIRST = 5_000;
    private static final Logger log = LoggerFactory.getLogger(StoreStatistics.class);

    private final JdbcTemplate jdbc;
    private final boolean postgres;
    private long written;
    private long sinceAnalyze;
    private int analyses;
    /**
     * Per profile stages' transaction (syncs may run side by side): what its connection had counted
     * per table when it began or last analysed the table. The few latest transactions only.
     */
    private final Map<Long, Map<String, Long>> counted = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Map<String, Long>> eldest) {
            return size() > 16;
        }
    });

    public StoreStatistics(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.postgres = SlicedBatch.postgres(jdbc);
    }

    /** Whether the store is PostgreSQL (else the embedded H2). */
    public boolean postgres() {
        return postgres;
    }

    /** Ingest wrote {@code rows} more rows; analyses the ingest tables when the store has about doubled since the last time. */
    public synchronized void written(long rows) {
        if (!postgres || rows <= 0) {
            return;
        }
        written += rows;
        sinceAnalyze += rows;
        if (sinceAnalyze >= Math.max(FIRST, written - sinceAnalyze)) {
            // inside the batch's transaction, so SKIP_LOCKED: never wait on another sync's stages
            jdbc.execute("ANALYZE (SKIP_LOCKED) " + String.join(", ", INGEST_TABLES));
            sinceAnalyze = 0;
            analyses++;
        }
    }

    /**
     * Does what autovacuum would do by now, for the tables of the store's schema
     * ({@code pg_stat_user_tables}, which lags a second or so behind the writes): vacuums (and
     * analyses) those with more than 1,000 + 20 % rows inserted or 50 + 20 % rows dead since their
     * last vacuum, and analyses those whose rows changed by more than 50 + 10 % since their last
     * analysis (autovacuum's default thresholds). The vacuum is what lets PostgreSQL answer a
     * look-up from an index alone (it marks the table's pages all-visible): a 1 %-changed run's
     * resolve at a million source rows read a heap page for every holder of every blocking key and
     * value it looked up, 17 of its 25 s. Returns the tables that got fresh statistics.
     */
    public synchronized List<String> settle() {
        if (!postgres) {
            return List.of();
        }
        List<String> vacuum = new ArrayList<>();
        List<String> analyse = new ArrayList<>();
        try {
            jdbc.query("""
                    SELECT relname,
                           n_ins_since_vacuum > 1000 + 0.2 * GREATEST(n_live_tup, 0) OR n_dead_tup > 50 + 0.2 * GREATEST(n_live_tup, 0),
                           n_mod_since_analyze > 50 + 0.1 * GREATEST(n_live_tup, 0)
                    FROM pg_stat_user_tables WHERE schemaname = current_schema() ORDER BY relname""", rs -> {
                if (rs.getBoolean(2)) {
                    vacuum.add(rs.getString(1));
                } else if (rs.getBoolean(3)) {
                    analyse.add(rs.getString(1));
                }
            });
            if (!analyse.isEmpty()) {
                jdbc.execute("ANALYZE " + quoted(analyse));
            }
        } catch (DataAccessException e) {
            // statistics make a run faster, never decide whether it succeeds
            log.warn("planner statistics not refreshed: {}", e.getMostSpecificCause().getMessage());
            return List.of();
        }
        List<String> settled = new ArrayList<>(analyse);
        if (!vacuum.isEmpty()) {
            try {
                jdbc.execute("VACUUM (ANALYZE) " + quoted(vacuum));
                settled.addAll(vacuum);
            } catch (DataAccessException e) {
                log.warn("tables not vacuumed: {}", e.getMostSpecificCause().getMessage());
            }
        }
        return settled.stream().sorted().toList();
    }

    /**
     * The first step of the profile stages' transaction: notes what the connection has counted so
     * far ({@code pg_stat_xact_user_tables} also holds the counts of its earlier transactions that
     * PostgreSQL has not yet published), so that {@link #settleWithinRun()} counts this transaction's
     * writes alone. A step of route {@code pipeline-profiles}.
     */
    public void beginWithinRun() {
        if (postgres) {
            counted.put(transaction(), changedSoFar(written()));
        }
    }

    /**
     * Within the profile stages' transaction, after a stage: analyses the tables this transaction
     * has changed (its own inserts, updates and deletes, counted before it commits) by more than 50 +
     * 10 % of the rows they held when last analysed, counting from the last time this transaction
     * analysed them. The stages that follow, and the pushes after the commit, then plan on what the
     * transaction wrote: a first run's resolve gives every record its golden id, where the
     * statistics taken during the pull say none has one, and the planner walked the whole store
     * through the golden-id index to gather each profile's consent. PostgreSQL sees its own
     * transaction's uncommitted rows when it samples a table; the new statistics are everyone's
     * once the stages commit. A step of route {@code pipeline-profiles}: returns nothing, so the run
     * stays the body.
     *
     * <p>Unlike {@link #settle()}, a failure is not swallowed here: inside a transaction a failed
     * statement has already doomed it.
     */
    public void settleWithinRun() {
        analyseChangedWithinTransaction();
    }

    /**
     * {@link #settleWithinRun()}, returning the tables it asked to analyse. Not under this object's
     * lock, and {@code SKIP_LOCKED}: the lock {@code ANALYZE} takes lasts until the stages commit, so
     * another sync's stages running alongside skip a table this run has analysed rather than wait
     * for it (waiting in turn could deadlock the two).
     */
    List<String> analyseChangedWithinTransaction() {
        if (!postgres) {
            return List.of();
        }
        long transaction = transaction();
        Map<String, long[]> written = written();
        Map<String, Long> before = counted.get(transaction);
        if (before == null) { // not begun: count from here
            counted.put(transaction, changedSoFar(written));
            return List.of();
        }
        List<String> analyse = new ArrayList<>();
        written.forEach((table, w) -> {
            if (w[0] - before.getOrDefault(table, 0L) > 50 + w[1] / 10) {
                analyse.add(table);
            }
        });
        if (!analyse.isEmpty()) {
            jdbc.execute("ANALYZE (SKIP_LOCKED) " + quoted(analyse));
            analyse.forEach(table -> before.put(table, written.get(table)[0]));
        }
        return analyse;
    }

    private long transaction() {
        return jdbc.queryForObject("SELECT txid_current()", Long.class);
    }

    /** Per table: the rows changed so far, from {@link #written()}. */
    private static Map<String, Long> changedSoFar(Map<String, long[]> written) {
        Map<String, Long> changed = new HashMap<>();
        written.forEach((table, w) -> changed.put(table, w[0]));
        return changed;
    }

    /** Per table of the schema: rows the connection has inserted, updated and deleted so far, and the rows it held when last analysed. */
    private Map<String, long[]> written() {
        Map<String, long[]> written = new TreeMap<>();
        jdbc.query("""
                SELECT x.relname, x.n_tup_ins + x.n_tup_upd + x.n_tup_del, GREATEST(c.reltuples, 0)::BIGINT
                FROM pg_stat_xact_user_tables x JOIN pg_class c ON c.oid = x.relid
                WHERE x.schemaname = current_schema()""",
                rs -> {
                    written.put(rs.getString(1), new long[]{rs.getLong(2), rs.getLong(3)});
                });
        return written;
    }

    private static String quoted(List<String> tables) {
        return String.join(", ", tables.stream().map(t -> '"' + t.replace("\"", "\"\"") + '"').toList());
    }

    /** How many times this hub has analysed the ingest tables. */
    public synchronized int analyses() {
        return analyses;
    }
}
