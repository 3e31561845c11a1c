package io.segmenthub.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The ingest tables are analysed each time the store about doubles, on PostgreSQL only. */
class StoreStatisticsTest {

    @Test
    void onH2NothingIsAnalysed() {
        var statistics = new StoreStatistics(MemoryStore.empty("stats"));

        statistics.written(1_000_000);

        assertThat(statistics.analyses()).isZero();
        assertThat(statistics.settle()).isEmpty();
    }

    /** Between stages and after a run, the tables that changed by more than a tenth are analysed, whatever autovacuum does. */
    @Test
    void onPostgresSettlingAnalysesTheTablesThatChangedByATenth() throws Exception {
        TestPostgres.inSchema("settle", (pool, schema) -> {
            JdbcClient jdbc = JdbcClient.create(pool);
            jdbc.sql("CREATE TABLE source_record (n INT)").update();
            jdbc.sql("CREATE TABLE golden_profile (n INT)").update();
            jdbc.sql("INSERT INTO source_record (n) SELECT generate_series(1, 7000)").update();
            jdbc.sql("INSERT INTO golden_profile (n) SELECT generate_series(1, 40)").update();
            awaitCounted(jdbc, schema, 7000);
            var statistics = new StoreStatistics(pool);

            assertThat(statistics.settle()).as("40 rows are under the threshold of 50").containsExactly("source_record");
            assertThat(reltuples(jdbc, schema)).isEqualTo(7000f);
            assertThat(allVisiblePages(jdbc, schema)).as("7,000 rows inserted, over 1,000 + 20 percent: vacuumed, so index-only scans need no heap")
                    .isPositive();
            assertThat(statistics.settle()).as("nothing changed since").isEmpty();

            jdbc.sql("INSERT INTO source_record (n) SELECT generate_series(1, 600)").update();
            awaitCounted(jdbc, schema, 600);
            assertThat(statistics.settle()).as("600 changed of 7,600: under 50 + 760").isEmpty();
            jdbc.sql("INSERT INTO source_record (n) SELECT generate_series(1, 300)").update();
            awaitCounted(jdbc, schema, 900);
            assertThat(statistics.settle()).as("900 changed of 7,900: over 50 + 790").containsExactly("source_record");
            assertThat(reltuples(jdbc, schema)).isEqualTo(7900f);
        });
    }

    /**
     * Inside the profile stages' transaction: a table the transaction rewrote is analysed on what the
     * transaction wrote, so the next statement plans on it; once, until it changes by a tenth again.
     */
    @Test
    void onPostgresATransactionsOwnChangesAreAnalysedBeforeItCommits() throws Exception {
        TestPostgres.inSchema("within", (pool, schema) -> {
            JdbcClient jdbc = JdbcClient.create(pool);
            jdbc.sql("CREATE TABLE source_record (n INT, golden_id VARCHAR(40))").update();
            jdbc.sql("CREATE TABLE golden_profile (n INT)").update();
            jdbc.sql("INSERT INTO source_record (n) SELECT generate_series(1, 7000)").update();
            jdbc.sql("ANALYZE source_record").update(); // as after a pull: no record has a golden id
            var statistics = new StoreStatistics(pool);
            String estimate = "EXPLAIN SELECT n FROM source_record WHERE golden_id IS NOT NULL";

            new TransactionTemplate(new DataSourceTransactionManager(pool)).executeWithoutResult(tx -> {
                statistics.beginWithinRun();
                assertThat(statistics.analyseChangedWithinTransaction()).as("nothing written yet (the inserts before were another transaction's)")
                        .isEmpty();
                jdbc.sql("UPDATE source_record SET golden_id = 'g' || n WHERE n <= 6000").update();
                jdbc.sql("INSERT INTO golden_profile (n) SELECT generate_series(1, 40)").update();
                assertThat(plannedRows(jdbc, estimate)).as("planned on the pull's statistics").isLessThan(10);

                assertThat(statistics.analyseChangedWithinTransaction()).as("40 rows are under the threshold of 50")
                        .containsExactly("source_record");
                assertThat(plannedRows(jdbc, estimate)).as("planned on the transaction's own rows").isBetween(5000L, 7000L);
                assertThat(statistics.analyseChangedWithinTransaction()).as("nothing changed since").isEmpty();

                jdbc.sql("INSERT INTO golden_profile (n) SELECT generate_series(1, 20)").update();
                assertThat(statistics.analyseChangedWithinTransaction()).as("60 rows into a table analysed empty")
                        .containsExactly("golden_profile");
                tx.setRollbackOnly();
            });
        });
    }

    /**
     * Two syncs' profile stages side by side: the second does not wait for the first's lock on a
     * table both analyse (held until the first commits), and both commit.
     */
    @Test
    void onPostgresASecondTransactionSkipsATableTheFirstHasAnalysedInsteadOfWaiting() throws Exception {
        TestPostgres.inSchema("skip", (pool, schema) -> {
            JdbcClient jdbc = JdbcClient.create(pool);
            jdbc.sql("CREATE TABLE source_record (n INT, golden_id VARCHAR(40))").update();
            jdbc.sql("INSERT INTO source_record (n) SELECT generate_series(1, 7000)").update();
            var statistics = new StoreStatistics(pool);
            var transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
            var firstAnalysed = new java.util.concurrent.CountDownLatch(1);
            var secondDone = new java.util.concurrent.CountDownLatch(1);
            // a thread each: the two must run at once, which the JDK's default for supplyAsync does not promise on two cores
            var first = Futures.beside(() -> transactions.execute(tx -> {
                statistics.beginWithinRun();
                jdbc.sql("UPDATE source_record SET golden_id = 'a' || n").update();
                List<String> analysed = statistics.analyseChangedWithinTransaction();
                firstAnalysed.countDown();
                await(secondDone); // keeps its lock on the table until the second is through
                return analysed;
            }));
            await(firstAnalysed);
            var second = Futures.beside(() -> transactions.execute(tx -> {
                statistics.beginWithinRun();
                jdbc.sql("INSERT INTO source_record (n) SELECT generate_series(1, 1000)").update();
                return statistics.analyseChangedWithinTransaction();
            }));

            assertThat(second.get(20, java.util.concurrent.TimeUnit.SECONDS)).containsExactly("source_record");
            secondDone.countDown();
            assertThat(first.get(20, java.util.concurrent.TimeUnit.SECONDS)).containsExactly("source_record");
            assertThat(jdbc.sql("SELECT COUNT(*) FROM source_record WHERE golden_id IS NOT NULL").query(Long.class).single())
                    .isEqualTo(7000L);
        });
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            assertThat(latch.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void onH2NothingIsAnalysedWithinARunEither() {
        assertThat(new StoreStatistics(MemoryStore.empty("stats-within")).analyseChangedWithinTransaction()).isEmpty();
    }

    private static long plannedRows(JdbcClient jdbc, String explain) {
        String plan = jdbc.sql(explain).query(String.class).list().get(0);
        var rows = java.util.regex.Pattern.compile("rows=(\\d+)").matcher(plan);
        assertThat(rows.find()).as(plan).isTrue();
        return Long.parseLong(rows.group(1));
    }

    @Test
    void onPostgresStatisticsThatCannotBeRefreshedNeverFailTheRun() {
        HikariDataSource pool = TestPostgres.poolOrSkip(null);
        var statistics = new StoreStatistics(pool);
        pool.close(); // the store went away after start-up

        assertThat(statistics.settle()).isEmpty();
    }

    private static int allVisiblePages(JdbcClient jdbc, String schema) {
        return jdbc.sql("SELECT relallvisible FROM pg_class WHERE oid = to_regclass(:table)").param("table", schema + ".source_record")
                .query(Integer.class).single();
    }

    /** PostgreSQL publishes a backend's row counts a moment after its transaction ends. */
    private static void awaitCounted(JdbcClient jdbc, String schema, long rows) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            Long counted = jdbc.sql("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE schemaname = :schema AND relname = 'source_record'")
                    .param("schema", schema).query(Long.class).optional().orElse(0L);
            if (counted >= rows) {
                return;
            }
            jdbc.sql("SELECT pg_stat_clear_snapshot()").query(Object.class).optional();
            Thread.sleep(50);
        }
        throw new AssertionError("PostgreSQL did not count " + rows + " changed rows of source_record within 15 s");
    }

    /** Against the PostgreSQL CI runs the suite on (skipped when it is not there), in a schema of its own. */
    @Test
    void onPostgresEachTimeTheStoreAboutDoubles() throws Exception {
        TestPostgres.inSchema("stats", (pool, schema) -> {
            JdbcClient jdbc = JdbcClient.create(pool);
            for (String table : StoreStatistics.INGEST_TABLES) {
                jdbc.sql("CREATE TABLE " + table + " (n INT)").update();
            }
            jdbc.sql("INSERT INTO source_record (n) SELECT generate_series(1, 7000)").update();
            var statistics = new StoreStatistics(pool);

            statistics.written(StoreStatistics.FIRST - 1);
            assertThat(statistics.analyses()).isZero();
            assertThat(reltuples(jdbc, schema)).as("never analysed").isEqualTo(-1f);

            statistics.written(1);
            assertThat(statistics.analyses()).isEqualTo(1);
            assertThat(reltuples(jdbc, schema)).isEqualTo(7000f);

            statistics.written(StoreStatistics.FIRST - 1); // 9,999 written, 4,999 since: not yet doubled
            assertThat(statistics.analyses()).isEqualTo(1);
            statistics.written(1);
            assertThat(statistics.analyses()).isEqualTo(2);
            statistics.written(9_999); // the next one comes after as many rows again as written so far (10,000)
            assertThat(statistics.analyses()).isEqualTo(2);
            statistics.written(1);
            assertThat(statistics.analyses()).isEqualTo(3);
        });
    }

    private static float reltuples(JdbcClient jdbc, String schema) {
        return jdbc.sql("SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = :schema AND c.relname = 'source_record'")
                .param("schema", schema).query(Float.class).single();
    }
}
