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

/** Blocking keys between runs: written a slice at a time, and read back as the records sharing a block. */
class MatchStateStoreTest {

    static MatchStateStore storeOn(DataSource ds) {
        var named = new NamedParameterJdbcTemplate(ds);
        return new MatchStateStore(JdbcClient.create(ds), named, new BulkInsert(ds, named));
    }

    @Test
    void replacingAllKeysWritesEveryRecordsKeysOnceAcrossSlices() {
        DataSource ds = MemoryStore.migrated("match-state");
        JdbcClient jdbc = JdbcClient.create(ds);
        var store = storeOn(ds);
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

    @Test
    void recordsSharingABlockSkipOversizedBlocksAndTheOtherKinds() {
        var store = storeOn(MemoryStore.migrated("match-state-neighbours"));
        // 1, 2, 3 share "small"; 1 and 4..8 share "big" (six records, over a cap of 5); 1 and 9 share a tf value only
        store.replaceAllKeys(IntStream.rangeClosed(1, 9).boxed().toList(), id -> {
            List<MatchStateStore.Key> keys = new java.util.ArrayList<>();
            if (id <= 3) {
                keys.add(new MatchStateStore.Key(id, "block", "small"));
            }
            if (id == 1 || id >= 4 && id <= 8) {
                keys.add(new MatchStateStore.Key(id, "block", "big"));
            }
            if (id == 1 || id == 9) {
                keys.add(new MatchStateStore.Key(id, "tf:city", "small"));
            }
            return keys;
        });

        assertThat(store.sharingABlock(List.of(1L, 4L, 9L), 5)).isEqualTo(java.util.Map.of(1L, java.util.Set.of(2L, 3L)));
        assertThat(store.sharingABlock(List.of(1L, 4L), 6)).isEqualTo(java.util.Map.of(
                1L, java.util.Set.of(2L, 3L, 4L, 5L, 6L, 7L, 8L), 4L, java.util.Set.of(1L, 5L, 6L, 7L, 8L)));
        assertThat(store.counts("block", List.of("small", "big", "none"))).isEqualTo(java.util.Map.of("small", 3L, "big", 6L));
        assertThat(store.counts("tf:city", List.of("small"))).isEqualTo(java.util.Map.of("small", 2L));
    }
}
