package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.MemoryStore;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Replacing every blocking key writes them a slice at a time and loses none. */
class MatchStateStoreTest {

    @Test
    void replacingAllKeysWritesEveryRecordsKeysOnceAcrossSlices() {
        DataSource ds = MemoryStore.migrated("match-state");
        JdbcClient jdbc = JdbcClient.create(ds);
        var named = new NamedParameterJdbcTemplate(ds);
        var store = new MatchStateStore(jdbc, named, new BulkInsert(ds, named));
        store.replaceAllKeys(List.of(1L, 2L), id -> List.of(new MatchStateStore.Key(id, "block", "old-" + id)));

        // 30,000 records × 4 keys, one of them twice: more than one slice of 100,000
        store.replaceAllKeys(IntStream.rangeClosed(1, 30_000).boxed().toList(), id -> List.of(
                new MatchStateStore.Key(id, "block", "a" + id), new MatchStateStore.Key(id, "block", "b" + id),
                new MatchStateStore.Key(id, "tf:city", "c" + id % 40), new MatchStateStore.Key(id, "tf:city", "c" + id % 40),
                new MatchStateStore.Key(id, "tf:given_name", "g" + id % 170)));

        assertThat(jdbc.sql("SELECT COUNT(*) FROM match_key").query(Long.class).single()).isEqualTo(120_000L);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM match_key WHERE hashed LIKE 'old-%'").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(DISTINCT source_record_id) FROM match_key").query(Long.class).single()).isEqualTo(30_000L);
    }
}
