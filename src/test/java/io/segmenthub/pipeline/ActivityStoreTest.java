package io.segmenthub.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.Timestamps;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A purchase or event is stored once per id in its system, however often sources send it again. */
class ActivityStoreTest {

    JdbcClient jdbc;
    ActivityStore store;

    @BeforeEach
    void migrate() {
        DataSource ds = MemoryStore.migrated("activity");
        jdbc = JdbcClient.create(ds);
        store = new ActivityStore(new NamedParameterJdbcTemplate(ds), new io.segmenthub.system.BulkInsert(ds, new NamedParameterJdbcTemplate(ds)));
    }

    static ActivityStore.Owned<Transaction> purchase(String system, String tx, String amount) {
        return new ActivityStore.Owned<>(system, "cust-" + tx, new Transaction(tx, LocalDate.parse("2026-03-01"),
                new BigDecimal(amount), "EUR"));
    }

    @Test
    void storesEachPurchaseOncePerSystemAndCountsOnlyTheNewOnes() {
        storesEachPurchaseOnce(store, jdbc);
    }

    @Test
    void aReReadExportOfThousandsOfEventsAddsOnlyTheNewOnes() {
        addsOnlyTheNewEvents(store, jdbc);
    }

    /** The same on the PostgreSQL CI runs the suite against (skipped when absent), where new rows go in by COPY. */
    @Test
    void onPostgresTheSame() throws Exception {
        io.segmenthub.system.TestPostgres.inMigratedSchema("activity", (pool, schema) -> {
            JdbcClient pg = JdbcClient.create(pool);
            var named = new NamedParameterJdbcTemplate(pool);
            ActivityStore onPostgres = new ActivityStore(named, new io.segmenthub.system.BulkInsert(pool, named));
            storesEachPurchaseOnce(onPostgres, pg);
            addsOnlyTheNewEvents(onPostgres, pg);
        });
    }

    static void storesEachPurchaseOnce(ActivityStore store, JdbcClient jdbc) {
        assertThat(store.addPurchases(List.of(purchase("erp", "t1", "10.00"), purchase("erp", "t2", "20.00"),
                purchase("erp", "t1", "99.00")), "run-1")).isEqualTo(2); // t1 twice in one batch: the first wins

        assertThat(store.addPurchases(List.of(purchase("erp", "t2", "20.00"), purchase("erp", "t3", "30.00"),
                purchase("shop", "t1", "5.00"), purchase("shop", "t9\tab", "1E+3")), "run-2"))
                .isEqualTo(3); // t2 is stored; t1 of another system is not

        assertThat(jdbc.sql("SELECT system, tx_id, amount, run_id FROM purchase ORDER BY system, tx_id")
                .query((rs, n) -> rs.getString(1) + "/" + rs.getString(2) + " " + rs.getBigDecimal(3).toPlainString()
                        + " " + rs.getString(4)).list())
                .containsExactly("erp/t1 10.00 run-1", "erp/t2 20.00 run-1", "erp/t3 30.00 run-2", "shop/t1 5.00 run-2",
                        "shop/t9\tab 1000.00 run-2");
        assertThat(store.addPurchases(List.of(), "run-3")).isZero();
    }

    static void addsOnlyTheNewEvents(ActivityStore store, JdbcClient jdbc) {
        List<ActivityStore.Owned<EngagementEvent>> day1 = IntStream.range(0, 2_500).mapToObj(i -> new ActivityStore.Owned<>(
                "web", "visitor-" + i % 300, new EngagementEvent("e" + i, "page_view", Instant.parse("2026-03-01T10:00:00Z")))).toList();
        List<ActivityStore.Owned<EngagementEvent>> day2 = IntStream.range(0, 2_600).mapToObj(i -> new ActivityStore.Owned<>(
                "web", "visitor-" + i % 300, new EngagementEvent("e" + i, "page_view", Instant.parse("2026-03-01T10:00:00Z")))).toList();

        assertThat(store.addEvents(day1, "run-1")).isEqualTo(2_500);
        assertThat(store.addEvents(day2, "run-2")).isEqualTo(100); // read in IN-lists of 1,000: three chunks

        assertThat(jdbc.sql("SELECT COUNT(*) FROM engagement_event").query(Long.class).single()).isEqualTo(2_600);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM engagement_event WHERE run_id = 'run-2'").query(Long.class).single()).isEqualTo(100);
        assertThat(jdbc.sql("SELECT occurred_at FROM engagement_event WHERE event_id = 'e2599'").query((rs, n) -> Timestamps.read(rs, "occurred_at"))
                .single()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    }
}
