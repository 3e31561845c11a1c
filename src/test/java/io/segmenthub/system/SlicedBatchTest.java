package io.segmenthub.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Setting a column by id reaches exactly the rows named, over several slices, on either store, whatever the key column is called. */
class SlicedBatchTest {

    static void setsExactlyTheNamedRows(DataSource ds) {
        setsExactlyTheNamedRows(ds, "id");
        setsExactlyTheNamedRows(ds, "source_record_id");
    }

    static void setsExactlyTheNamedRows(DataSource ds, String key) {
        JdbcClient jdbc = JdbcClient.create(ds);
        String table = "sliced_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("CREATE TABLE " + table + " (" + key + " BIGINT PRIMARY KEY, golden_id VARCHAR(40))").update();
        try {
            jdbc.sql("INSERT INTO " + table + " (" + key + ", golden_id) SELECT x, 'old' FROM " + series(ds, 3_000)).update();
            Map<Long, String> wanted = new HashMap<>();
            for (long id = 1; id <= 3_000; id += 2) { // 1,500 odd ids: two slices of 1,000
                wanted.put(id, "g-" + id);
            }

            if (key.equals("id")) {
                SlicedBatch.setById(new JdbcTemplate(ds), table, "golden_id", wanted);
            } else {
                SlicedBatch.setById(new JdbcTemplate(ds), table, key, "golden_id", wanted);
            }

            assertThat(jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE golden_id = 'old'").query(Long.class).single())
                    .isEqualTo(1_500L);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE golden_id = CONCAT('g-', CAST(" + key + " AS VARCHAR(20)))")
                    .query(Long.class).single()).isEqualTo(1_500L);
            assertThat(jdbc.sql("SELECT golden_id FROM " + table + " WHERE " + key + " = 2999").query(String.class).single()).isEqualTo("g-2999");
        } finally {
            jdbc.sql("DROP TABLE " + table).update();
        }
    }

    private static String series(DataSource ds, int n) {
        return SlicedBatch.postgres(new JdbcTemplate(ds)) ? "generate_series(1, " + n + ") AS s(x)" : "SYSTEM_RANGE(1, " + n + ") AS s(x)";
    }

    @Test
    void onH2() {
        setsExactlyTheNamedRows(MemoryStore.empty("sliced"));
    }

    @Test
    void onPostgres() {
        try (HikariDataSource pool = TestPostgres.poolOrSkip(null)) {
            setsExactlyTheNamedRows(pool);
        }
    }
}
