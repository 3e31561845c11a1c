package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.MemoryStore;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Lineage is replaced by writing only what changed, and ends up exactly as asked. */
class GoldenProfileStoreTest {

    JdbcClient jdbc;
    GoldenProfileStore store;

    @BeforeEach
    void migrate() {
        DataSource ds = MemoryStore.migrated("golden");
        jdbc = JdbcClient.create(ds);
        var named = new NamedParameterJdbcTemplate(ds);
        store = new GoldenProfileStore(jdbc, named, new io.segmenthub.system.BulkInsert(ds, named));
    }

    static GoldenProfileStore.Lineage won(String golden, Attribute attribute, long record, String rule) {
        return new GoldenProfileStore.Lineage(golden, attribute, record, rule);
    }

    List<String> stored() {
        return jdbc.sql("SELECT golden_id, attribute, source_record_id, rule FROM golden_attribute ORDER BY golden_id, attribute")
                .query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3) + " " + rs.getString(4)).list();
    }

    @Test
    void aSecondRunWritesOnlyTheWinnersThatChanged() {
        assertThat(store.replaceLineage(List.of(
                won("g1", Attribute.EMAIL, 1, "source-priority"), won("g1", Attribute.PHONE, 2, "most-recent"),
                won("g2", Attribute.EMAIL, 3, "source-priority"), won("g3", Attribute.CITY, 4, "most-frequent")))).isEqualTo(4);

        int written = store.replaceLineage(List.of(
                won("g1", Attribute.EMAIL, 1, "source-priority"),   // the same: untouched
                won("g1", Attribute.PHONE, 5, "most-recent"),       // another record won: updated
                won("g2", Attribute.EMAIL, 3, "longest"),           // the rule changed: updated
                won("g4", Attribute.CITY, 6, "most-frequent")));    // new; g3 is gone: deleted

        assertThat(written).isEqualTo(4);
        assertThat(stored()).containsExactly(
                "g1 email 1 source-priority", "g1 phone 5 most-recent", "g2 email 3 longest", "g4 city 6 most-frequent");
        assertThat(store.lineage("g1")).extracting(GoldenProfileStore.Lineage::sourceRecordId).containsExactly(1L, 5L);
    }

    /**
     * A first fill of a hundred thousand rows and more goes in without the key, built after, on the
     * PostgreSQL CI runs the suite against (skipped when absent): the key is there again and holds.
     */
    @Test
    void onPostgresAFirstLargeFillEndsWithItsKeyInPlace() throws Exception {
        io.segmenthub.system.TestPostgres.inMigratedSchema("lineage", (pool, schema) -> {
            JdbcClient pg = JdbcClient.create(pool);
            var named = new NamedParameterJdbcTemplate(pool);
            var lineage = new GoldenProfileStore(pg, named, new io.segmenthub.system.BulkInsert(pool, named));
            List<GoldenProfileStore.Lineage> first = java.util.stream.IntStream.range(0, 50_000).boxed()
                    .flatMap(i -> java.util.stream.Stream.of(won("g" + i, Attribute.EMAIL, i, "source-priority"),
                            won("g" + i, Attribute.CITY, i, "most-frequent"))).toList();

            assertThat(lineage.replaceLineage(first)).isEqualTo(100_000);

            assertThat(pg.sql("SELECT COUNT(*) FROM pg_constraint WHERE conname = 'golden_attribute_pkey' AND connamespace = "
                    + "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())").query(Long.class).single()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pg.sql(
                    "INSERT INTO golden_attribute (golden_id, attribute, source_record_id, rule) VALUES ('g7', 'email', 1, 'x')").update())
                    .hasMessageContaining("golden_attribute_pkey");
            assertThat(lineage.replaceLineage(first.subList(0, 99_998))).as("the next run writes what changed, as ever").isEqualTo(2);
            assertThat(lineage.lineage("g49999")).isEmpty();

            long key = keyOid(pg);
            List<GoldenProfileStore.Lineage> grown = new java.util.ArrayList<>(first.subList(0, 99_998));
            java.util.stream.IntStream.range(50_000, 150_000).forEach(i -> grown.add(won("g" + i, Attribute.EMAIL, i, "source-priority")));
            assertThat(lineage.replaceLineage(grown)).isEqualTo(100_000);
            assertThat(keyOid(pg)).as("a table that held rows keeps its key while as many again go in").isEqualTo(key);
        });
    }

    private static long keyOid(JdbcClient pg) {
        return pg.sql("SELECT oid FROM pg_constraint WHERE conname = 'golden_attribute_pkey' AND connamespace = "
                + "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())").query(Long.class).single();
    }

    @Test
    void theSameLineageAgainWritesNothingAndNoLineageClearsIt() {
        List<GoldenProfileStore.Lineage> lineage = List.of(won("g1", Attribute.EMAIL, 1, "source-priority"));
        store.replaceLineage(lineage);

        assertThat(store.replaceLineage(lineage)).isZero();
        assertThat(stored()).containsExactly("g1 email 1 source-priority");

        assertThat(store.replaceLineage(List.of())).isEqualTo(1);
        assertThat(stored()).isEmpty();
    }
}
