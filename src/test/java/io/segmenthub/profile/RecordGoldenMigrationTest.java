package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.TestPostgres;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** V18 moves every placed record's golden id out of source_record into record_golden, and drops the column. */
class RecordGoldenMigrationTest {

    @Test
    void onH2() {
        DataSource ds = MemoryStore.empty("record-golden");
        movesTheGoldenIds(ds, Flyway.configure().dataSource(ds));
    }

    @Test
    void onPostgres() throws Exception {
        TestPostgres.inSchema("record_golden", (pool, schema) -> movesTheGoldenIds(pool, Flyway.configure().dataSource(pool).schemas(schema)));
    }

    void movesTheGoldenIds(DataSource ds, org.flywaydb.core.api.configuration.FluentConfiguration flyway) {
        flyway.target("17").load().migrate();
        JdbcClient jdbc = JdbcClient.create(ds);
        record(jdbc, 1, "crm", "C1", "g-1");
        record(jdbc, 2, "erp", "K1", "g-1");
        record(jdbc, 3, "erp", "K2", null); // stored, not yet placed by a resolution

        flyway.target("latest").load().migrate();

        Map<Long, String> placed = new TreeMap<>();
        jdbc.sql("SELECT source_record_id, golden_id FROM record_golden").query(rs -> {
            placed.put(rs.getLong(1), rs.getString(2));
        });
        assertThat(placed).isEqualTo(Map.of(1L, "g-1", 2L, "g-1"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM source_record").query(Long.class).single()).isEqualTo(3L);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE LOWER(TABLE_SCHEMA) = LOWER(CURRENT_SCHEMA)"
                + " AND LOWER(TABLE_NAME) = 'source_record' AND LOWER(COLUMN_NAME) = 'golden_id'").query(Long.class).single()).as("the column is gone").isZero();
    }

    private static void record(JdbcClient jdbc, long id, String system, String recordId, String golden) {
        jdbc.sql("""
                        INSERT INTO source_record (id, system, record_id, connector_id, source_updated_at, ingested_at, run_id,
                                                   attributes, present, invalid, content_hash, golden_id)
                        VALUES (:id, :system, :record, 'crm', :at, :at, 'run-1', '{}', 'email', '', 'hash', :golden)""")
                .param("id", id).param("system", system).param("record", recordId).param("golden", golden)
                .param("at", Timestamp.from(Instant.parse("2026-03-01T08:00:00Z"))).update();
    }
}
