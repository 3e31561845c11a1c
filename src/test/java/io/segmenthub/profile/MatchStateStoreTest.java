package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.MemoryStore;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Blocking keys between runs: written a slice at a time, and read back as the records sharing a block. */
class MatchStateStoreTest {

    static MatchStateStore storeOn(DataSource ds) {
        var named = new NamedParameterJdbcTemplate(ds);
        return new MatchStateStore(JdbcClient.create(ds), named, new BulkInsert(ds, named), new DataSourceTransactionManager(ds));
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

    /**
     * On H2 a schema change commits the transaction it runs in, so the keys are replaced in
     * transactions of their own, and the learned model is removed first: a run that fails after
     * replacing them leaves true keys (they derive from the committed records) and no model, so the
     * next run resolves in full instead of incrementally over keys it cannot trust.
     */
    @Test
    void onH2KeysAreReplacedOutsideTheCallersTransactionAndAFailedRunLeavesNoModel() {
        DataSource ds = MemoryStore.migrated("match-state-own");
        JdbcClient jdbc = JdbcClient.create(ds);
        var store = storeOn(ds);
        store.replaceAllKeys(List.of(1L, 2L), id -> List.of(new MatchStateStore.Key(id, "block", "old-" + id)));
        store.saveModel(new MatchStateStore.Model("settings", "{}"), "run-1", Instant.parse("2026-12-06T09:00:00Z"));

        new TransactionTemplate(new DataSourceTransactionManager(ds)).executeWithoutResult(status -> {
            jdbc.sql("INSERT INTO match_link (left_record_id, right_record_id, run_id, match_weight, match_probability, evidence)"
                    + " VALUES (1, 3, 'run-2', 9.5, 0.99, 'e-mail')").update();
            store.replaceAllKeys(List.of(1L, 2L, 3L), id -> List.of(new MatchStateStore.Key(id, "block", "new-" + id)));
            status.setRollbackOnly(); // the run fails after resolve
        });

        assertThat(jdbc.sql("SELECT hashed FROM match_key ORDER BY source_record_id").query(String.class).list())
                .containsExactly("new-1", "new-2", "new-3");
        assertThat(store.model()).as("the next run resolves in full").isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM match_link").query(Long.class).single())
                .as("the caller's own work was rolled back, not committed by the schema change").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_NAME = 'MATCH_KEY_HASHED'")
                .query(Long.class).single()).as("the index is back").isEqualTo(1L);
        assertThat(store.sharingABlock(List.of(1L), 5)).isEmpty();
    }
}
