package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
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

    /** A value shaped as the blind index makes them: URL-safe Base64 of a 32-byte tag. */
    static String hashed(String name) {
        try {
            byte[] tag = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static MatchStateStore.Key key(long id, String kind, String name) {
        return new MatchStateStore.Key(id, kind, hashed(name));
    }

    /** The bytes the store keeps of {@link #hashed}. */
    static byte[] kept(String name) {
        return Arrays.copyOf(Base64.getUrlDecoder().decode(hashed(name)), MatchStateStore.STORED_BYTES);
    }

    static MatchStateStore storeOn(DataSource ds) {
        var named = new NamedParameterJdbcTemplate(ds);
        return new MatchStateStore(JdbcClient.create(ds), named, new BulkInsert(ds, named), new DataSourceTransactionManager(ds));
    }

    @Test
    void replacingAllKeysWritesEveryRecordsKeysOnceAcrossSlices() {
        DataSource ds = MemoryStore.migrated("match-state");
        JdbcClient jdbc = JdbcClient.create(ds);
        var store = storeOn(ds);
        store.replaceAllKeys(List.of(1L, 2L), id -> List.of(key(id, "block", "old-" + id)));

        // 30,000 records × 4 keys, one of them twice: more than one slice of 100,000
        store.replaceAllKeys(IntStream.rangeClosed(1, 30_000).boxed().toList(), id -> List.of(
                key(id, "block", "a" + id), key(id, "block", "b" + id),
                key(id, "tf:city", "c" + id % 40), key(id, "tf:city", "c" + id % 40),
                key(id, "tf:given_name", "g" + id % 170)));

        assertThat(jdbc.sql("SELECT COUNT(*) FROM match_key").query(Long.class).single()).isEqualTo(120_000L);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM match_key WHERE hashed IN (:old)").param("old", List.of(kept("old-1"), kept("old-2")))
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(DISTINCT source_record_id) FROM match_key").query(Long.class).single()).isEqualTo(30_000L);
    }

    @Test
    void recordsSharingABlockSkipOversizedBlocksAndTheOtherKindsOnH2() {
        recordsSharingABlockSkipOversizedBlocksAndTheOtherKinds(MemoryStore.migrated("match-state-neighbours"));
    }

    /** PostgreSQL takes the keys by COPY, as bytea in hex, and is asked with bytea parameters. */
    @Test
    void recordsSharingABlockSkipOversizedBlocksAndTheOtherKindsOnPostgres() throws Exception {
        TestPostgres.inMigratedSchema("match_state", (pool, schema) -> recordsSharingABlockSkipOversizedBlocksAndTheOtherKinds(pool));
    }

    void recordsSharingABlockSkipOversizedBlocksAndTheOtherKinds(DataSource ds) {
        var store = storeOn(ds);
        // 1, 2, 3 share "small"; 1 and 4..8 share "big" (six records, over a cap of 5); 1 and 9 share a tf value only
        store.replaceAllKeys(IntStream.rangeClosed(1, 9).boxed().toList(), id -> {
            List<MatchStateStore.Key> keys = new java.util.ArrayList<>();
            if (id <= 3) {
                keys.add(key(id, "block", "small"));
            }
            if (id == 1 || id >= 4 && id <= 8) {
                keys.add(key(id, "block", "big"));
            }
            if (id == 1 || id == 9) {
                keys.add(key(id, "tf:city", "small"));
            }
            return keys;
        });

        assertThat(store.sharingABlock(List.of(1L, 4L, 9L), 5)).isEqualTo(java.util.Map.of(1L, java.util.Set.of(2L, 3L)));
        assertThat(store.sharingABlock(List.of(1L, 4L), 6)).isEqualTo(java.util.Map.of(
                1L, java.util.Set.of(2L, 3L, 4L, 5L, 6L, 7L, 8L), 4L, java.util.Set.of(1L, 5L, 6L, 7L, 8L)));
        assertThat(store.counts("block", List.of(hashed("small"), hashed("big"), hashed("none"))))
                .as("keyed by the values asked for, though the store keeps 16 bytes of each")
                .isEqualTo(java.util.Map.of(hashed("small"), 3L, hashed("big"), 6L));
        assertThat(store.counts("tf:city", List.of(hashed("small")))).isEqualTo(java.util.Map.of(hashed("small"), 2L));
        assertThat(store.holding("tf:city")).isEqualTo(2L);

        // an incremental run replaces record 2's keys; the same key twice is kept once
        assertThat(store.replaceKeys(List.of(2L), List.of(key(2, "block", "big"), key(2, "block", "big"))))
                .as("small removed, big added").isEqualTo(new MatchStateStore.KeyChanges(1, 1));
        assertThat(store.counts("block", List.of(hashed("small"), hashed("big"))))
                .isEqualTo(java.util.Map.of(hashed("small"), 2L, hashed("big"), 7L));
        assertThat(JdbcClient.create(ds).sql("SELECT hashed FROM match_key WHERE source_record_id = 2").query(byte[].class).list())
                .as("the first 16 bytes of the blind index").containsExactly(kept("big"));

        // a record that keeps its keys and gains one: only the new key is written, the others stay as they are
        assertThat(store.replaceKeys(List.of(1L), List.of(key(1, "block", "small"), key(1, "block", "big"), key(1, "tf:city", "small"),
                key(1, "tf:city", "other")))).isEqualTo(new MatchStateStore.KeyChanges(1, 0));
        assertThat(store.counts("tf:city", List.of(hashed("small"), hashed("other"))))
                .isEqualTo(java.util.Map.of(hashed("small"), 2L, hashed("other"), 1L));
        assertThat(store.counts("block", List.of(hashed("small"), hashed("big"))))
                .isEqualTo(java.util.Map.of(hashed("small"), 2L, hashed("big"), 7L));
        assertThat(store.holding("tf:city")).isEqualTo(3L);
        KeptTermCounts.areThoseOfTheKeys(JdbcClient.create(ds));
    }

    /**
     * The kept term counts (V23) against the keys themselves, after a full replacement and then after
     * incremental runs and erasures that change, drop and add values at random, on both stores.
     */
    @Test
    void keptTermCountsFollowEveryChangeOfTheKeysOnH2() {
        keptTermCountsFollowEveryChangeOfTheKeys(MemoryStore.migrated("match-state-terms"));
    }

    @Test
    void keptTermCountsFollowEveryChangeOfTheKeysOnPostgres() throws Exception {
        TestPostgres.inMigratedSchema("match_terms", (pool, schema) -> keptTermCountsFollowEveryChangeOfTheKeys(pool));
    }

    void keptTermCountsFollowEveryChangeOfTheKeys(DataSource ds) {
        var store = storeOn(ds);
        var random = new java.util.Random(7);
        java.util.function.LongFunction<List<MatchStateStore.Key>> keysOf = id -> List.of(
                key(id, "block", "b" + id), key(id, "tf:city", "c" + random.nextInt(12)),
                key(id, "tf:given_name", "g" + random.nextInt(40)));
        store.replaceAllKeys(IntStream.rangeClosed(1, 500).boxed().toList(), id -> keysOf.apply(id));
        KeptTermCounts.areThoseOfTheKeys(JdbcClient.create(ds));
        assertThat(store.holding("tf:city")).isEqualTo(500L);

        for (int run = 0; run < 5; run++) {
            List<Long> changed = random.longs(60, 1, 560).boxed().distinct().toList();
            List<MatchStateStore.Key> keys = new java.util.ArrayList<>();
            for (long id : changed) {
                if (id % 7 != 0) { // every seventh changed record loses all its keys, as an erasure takes them
                    keys.addAll(keysOf.apply(id));
                    if (id % 5 == 0) {
                        keys.add(key(id, "tf:street", "s" + run)); // a kind and values the full replacement never saw
                    }
                }
            }
            store.replaceKeys(changed, keys);
            KeptTermCounts.areThoseOfTheKeys(JdbcClient.create(ds));
        }
        assertThat(store.counts("tf:city", List.of(hashed("c3"), hashed("nobody"))))
                .as("a value no record holds has no count").containsOnlyKeys(hashed("c3"));

        store.replaceAllKeys(IntStream.rangeClosed(1, 50).boxed().toList(), id -> keysOf.apply(id));
        KeptTermCounts.areThoseOfTheKeys(JdbcClient.create(ds));
        assertThat(store.holding("tf:street")).as("counted again from the keys alone").isZero();
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
        store.replaceAllKeys(List.of(1L, 2L), id -> List.of(key(id, "block", "old-" + id)));
        store.saveModel(new MatchStateStore.Model("settings", "{}"), "run-1", Instant.parse("2026-12-06T09:00:00Z"));

        new TransactionTemplate(new DataSourceTransactionManager(ds)).executeWithoutResult(status -> {
            jdbc.sql("INSERT INTO match_link (left_record_id, right_record_id, run_id, match_weight, match_probability, evidence)"
                    + " VALUES (1, 3, 'run-2', 9.5, 0.99, 'e-mail')").update();
            store.replaceAllKeys(List.of(1L, 2L, 3L), id -> List.of(key(id, "block", "new-" + id)));
            status.setRollbackOnly(); // the run fails after resolve
        });

        assertThat(jdbc.sql("SELECT hashed FROM match_key ORDER BY source_record_id").query(byte[].class).list())
                .containsExactly(kept("new-1"), kept("new-2"), kept("new-3"));
        assertThat(store.model()).as("the next run resolves in full").isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM match_link").query(Long.class).single())
                .as("the caller's own work was rolled back, not committed by the schema change").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_NAME = 'MATCH_KEY_HASHED'")
                .query(Long.class).single()).as("the index is back").isEqualTo(1L);
        assertThat(store.sharingABlock(List.of(1L), 5)).isEmpty();
    }
}
