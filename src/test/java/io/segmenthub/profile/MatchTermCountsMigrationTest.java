package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.TestPostgres;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V23 counts the term-frequency values of a store's existing match keys, so that an upgraded hub
 * resolves incrementally on kept counts without a full resolution first; V24 rebuilds the covering
 * index with the hashed value first, and the kept counts and the look-ups work on it.
 */
class MatchTermCountsMigrationTest {

    @Test
    void onH2() {
        DataSource ds = MemoryStore.empty("match-term-counts");
        countsTheStoredKeys(ds, Flyway.configure().dataSource(ds));
    }

    @Test
    void onPostgres() throws Exception {
        TestPostgres.inSchema("match_term_counts", (pool, schema) -> countsTheStoredKeys(pool, Flyway.configure().dataSource(pool).schemas(schema)));
    }

    void countsTheStoredKeys(DataSource ds, org.flywaydb.core.api.configuration.FluentConfiguration flyway) {
        flyway.target("22").load().migrate();
        JdbcClient jdbc = JdbcClient.create(ds);
        // records 1-3 in London, 1 and 2 named Ann, each with a block key of its own
        for (long id = 1; id <= 3; id++) {
            key(jdbc, id, "block", "block-" + id);
            key(jdbc, id, "tf:city", "London");
        }
        key(jdbc, 1, "tf:given_name", "Ann");
        key(jdbc, 2, "tf:given_name", "Ann");
        key(jdbc, 3, "tf:given_name", "Bo");

        flyway.target("latest").load().migrate();

        Map<String, Long> counts = new TreeMap<>();
        jdbc.sql("SELECT kind, hashed, holders FROM match_term_count").query(rs -> {
            counts.put(rs.getString(1) + "/" + new String(rs.getBytes(2)).trim(), rs.getLong(3));
        });
        assertThat(counts).as("term kinds only, never the blocks").isEqualTo(Map.of(
                "tf:city/London", 3L, "tf:given_name/Ann", 2L, "tf:given_name/Bo", 1L));
        var store = MatchStateStoreTest.storeOn(ds);
        assertThat(store.holding("tf:city")).isEqualTo(3L);
        assertThat(store.holding("tf:given_name")).isEqualTo(3L);
        assertThat(store.holding("tf:street")).isZero();

        // the store goes on from the migrated counts: record 3 moves from Bo to Ann
        store.replaceKeys(List.of(3L), List.of(new MatchStateStore.Key(3, "block", MatchStateStoreTest.hashed("x")),
                new MatchStateStore.Key(3, "tf:city", text("London")), new MatchStateStore.Key(3, "tf:given_name", text("Ann"))));
        assertThat(store.counts("tf:given_name", List.of(text("Ann"), text("Bo")))).isEqualTo(Map.of(text("Ann"), 3L));
        assertThat(store.counts("block", List.of(text("block-1")))).isEqualTo(Map.of(text("block-1"), 1L));
        assertThat(store.holding("tf:given_name")).isEqualTo(3L);
    }

    /** A key as V17 stores it: 16 bytes (here a value's text, padded with spaces). */
    private static void key(JdbcClient jdbc, long id, String kind, String value) {
        jdbc.sql("INSERT INTO match_key (source_record_id, kind, hashed) VALUES (:id, :kind, :hashed)")
                .param("id", id).param("kind", kind).param("hashed", bytes(value)).update();
    }

    private static byte[] bytes(String value) {
        return String.format("%-16s", value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The same bytes as a blind index's text (URL-safe Base64), as the store is asked with. */
    private static String text(String value) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(value));
    }
}
