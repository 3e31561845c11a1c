package io.segmenthub.profile;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.Futures;
import io.segmenthub.system.InLists;
import io.segmenthub.system.SlicedBatch;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * What probabilistic matching keeps between runs, with no personal data: the links that joined
 * records with their evidence, per record the blind indexes of its blocking keys and of the values
 * whose rarity adjusts weights, and the learned model's numbers.
 */
@Repository
public class MatchStateStore {

    /** Records whose keys are written together when all are replaced (about ten keys each). */
    private static final int RECORDS_PER_SLICE = 10_000;

    /** As V24 declares it: the records holding a key, answered from the index alone. */
    private static final String CREATE_HASHED_INDEX = "CREATE INDEX match_key_hashed ON match_key (hashed, kind, source_record_id)";

    private static final String LINKS = "SELECT left_record_id, right_record_id, match_weight, match_probability, evidence FROM match_link";

    /**
     * A blind-indexed key of a record: kind "block", or "tf:&lt;field&gt;"; {@code hashed} is a
     * {@link io.segmenthub.crypto.BlindIndex} value (URL-safe Base64), of which the store keeps the
     * first {@value #STORED_BYTES} bytes.
     */
    public record Key(long recordId, String kind, String hashed) {
    }

    /** The kinds whose values' rarity adjusts match weights, and whose holders are counted (V23). */
    static final String TERM = "tf:";

    /** Bytes of a blind index kept per key (V17): 128 bits, compared byte by byte. */
    static final int STORED_BYTES = 16;

    /** A key as a parameter of a values table (typed: H2 would take it for text). */
    private static final String BYTES = "CAST(? AS BYTEA)";

    /** The stored model: which settings it was learned with, and its parameters as JSON. */
    public record Model(String settings, String parameters) {
    }

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final BulkInsert bulk;
    private final PlatformTransactionManager transactions;
    private final boolean postgres;

    public MatchStateStore(JdbcClient jdbc, NamedParameterJdbcTemplate named, BulkInsert bulk, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.named = named;
        this.bulk = bulk;
        this.transactions = transactions;
        this.postgres = SlicedBatch.postgres(named.getJdbcTemplate());
    }

    // ------------------------------------------------------------------ links

    /** The links with one of {@code recordIds} on either side. */
    public List<GuardedLinking.Candidate> links(Collection<Long> recordIds) {
        Map<String, GuardedLinking.Candidate> found = new TreeMap<>();
        for (List<Long> chunk : InLists.of(List.copyOf(new TreeSet<>(recordIds)))) {
            for (String side : List.of("left_record_id", "right_record_id")) {
                jdbc.sql(LINKS + " WHERE " + side + " IN (:ids)").param("ids", chunk).query(MatchStateStore::link).list()
                        .forEach(c -> found.put(key(c.left(), c.right()), c));
            }
        }
        return new ArrayList<>(found.values());
    }

    private static GuardedLinking.Candidate link(ResultSet rs, int row) throws SQLException {
        return new GuardedLinking.Candidate(rs.getLong(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4),
                rs.getString(5), rs.getString(5).contains("\"sharedPhone\":true"));
    }

    /** Keeps exactly {@code joined}: links no longer joining anything go, new ones come with this run's id, the rest stay as they were. */
    public void replaceLinks(List<GuardedLinking.Candidate> joined, String runId) {
        List<long[]> before = new ArrayList<>();
        jdbc.sql("SELECT left_record_id, right_record_id FROM match_link").query(rs -> {
            before.add(new long[]{rs.getLong(1), rs.getLong(2)});
        });
        keepOnly(joined, runId, before);
    }

    /**
     * The same among the records of a scope only: {@code stored} are the links touching them as
     * {@link #links(Collection)} read them, {@code joined} those to keep; links elsewhere in the
     * store are neither read nor touched.
     */
    public void replaceLinks(List<GuardedLinking.Candidate> joined, String runId, List<GuardedLinking.Candidate> stored) {
        keepOnly(joined, runId, stored.stream().map(c -> new long[]{c.left(), c.right()}).toList());
    }

    /** Deletes the pairs of {@code before} not in {@code joined} and inserts the joined ones not in {@code before}. */
    private void keepOnly(List<GuardedLinking.Candidate> joined, String runId, List<long[]> before) {
        Set<String> wanted = new HashSet<>();
        joined.forEach(c -> wanted.add(key(c.left(), c.right())));
        Set<String> stored = new HashSet<>();
        List<long[]> gone = new ArrayList<>();
        for (long[] pair : before) {
            String k = key(pair[0], pair[1]);
            stored.add(k);
            if (!wanted.contains(k)) {
                gone.add(pair);
            }
        }
        if (!gone.isEmpty()) {
            named.batchUpdate("DELETE FROM match_link WHERE left_record_id = :l AND right_record_id = :r",
                    gone.stream().map(p -> new MapSqlParameterSource().addValue("l", p[0]).addValue("r", p[1]))
                            .toArray(MapSqlParameterSource[]::new));
        }
        List<MapSqlParameterSource> added = new ArrayList<>();
        for (var c : joined) {
            long l = Math.min(c.left(), c.right());
            long r = Math.max(c.left(), c.right());
            if (stored.add(key(l, r))) {
                added.add(new MapSqlParameterSource().addValue("l", l).addValue("r", r).addValue("run", runId)
                        .addValue("w", c.matchWeight()).addValue("p", c.matchProbability()).addValue("e", c.evidence()));
            }
        }
        if (!added.isEmpty()) {
            named.batchUpdate("""
                            INSERT INTO match_link (left_record_id, right_record_id, run_id, match_weight, match_probability, evidence)
                            VALUES (:l, :r, :run, :w, :p, :e)""", added.toArray(MapSqlParameterSource[]::new));
        }
    }

    private static String key(long a, long b) {
        return Math.min(a, b) + ":" + Math.max(a, b);
    }

    // ------------------------------------------------------------------ keys

    /**
     * Replaces every stored key with those {@code keysOf} gives per record, written a slice of
     * records at a time: a full resolution makes about ten keys per record, and holding them all
     * (some 700 MB for 600,000 records) on top of the opened records did not fit a 2 GiB heap.
     *
     * <p>The covering index on the hashed keys goes while the table is refilled and is built again
     * after. On PostgreSQL that happens in the caller's transaction (3 million rows went in in 26 s
     * with the indexes, in 11 s with the load and both builds). On H2 a schema change commits the
     * transaction it runs in, and a million keys inserted under the index took 34 s plus 39 s to
     * commit the profile stages' transaction (against 6 + 3 s, and 4 s to build the index, without):
     * there the keys are replaced in transactions of their own. They derive from the stored records
     * alone, which are committed already, so they stay true whatever becomes of the caller's
     * transaction; the learned model goes first, in a transaction of its own, so that a run that
     * fails part-way leaves no model and the next run resolves in full, writing every key again,
     * rather than resolving incrementally over a partial set of keys.
     */
    public <R> void replaceAllKeys(Iterable<R> records, Function<R, List<Key>> keysOf) {
        if (postgres) {
            jdbc.sql("TRUNCATE match_key").update();
            jdbc.sql("ALTER TABLE match_key DROP CONSTRAINT match_key_pkey").update();
            jdbc.sql("DROP INDEX match_key_hashed").update();
            insertAll(records, keysOf);
            // as V9 declares it
            jdbc.sql("ALTER TABLE match_key ADD CONSTRAINT match_key_pkey PRIMARY KEY (source_record_id, kind, hashed)").update();
            jdbc.sql(CREATE_HASHED_INDEX).update();
            recountTerms();
            // the next resolve plans on fresh statistics: StoreStatistics.settle runs after every pull
            return;
        }
        TransactionTemplate own = new TransactionTemplate(transactions);
        own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        own.executeWithoutResult(status -> jdbc.sql("DELETE FROM match_model WHERE id = 'current'").update());
        own.executeWithoutResult(status -> {
            jdbc.sql("DROP INDEX IF EXISTS match_key_hashed").update(); // IF EXISTS: a run that failed before building it again
            jdbc.sql("TRUNCATE TABLE match_key").update();
            insertAll(records, keysOf);
            jdbc.sql(CREATE_HASHED_INDEX).update();
            recountTerms();
        });
    }

    /** Counts the term-frequency values (V23) again from the keys just written: one pass over the kinds' keys. */
    private void recountTerms() {
        jdbc.sql("TRUNCATE TABLE match_term_count").update();
        jdbc.sql("TRUNCATE TABLE match_term_total").update();
        jdbc.sql("INSERT INTO match_term_count (kind, hashed, holders) SELECT kind, hashed, COUNT(*) FROM match_key"
                + " WHERE kind LIKE '" + TERM + "%' GROUP BY kind, hashed").update();
        jdbc.sql("INSERT INTO match_term_total (kind, holders) SELECT kind, SUM(holders) FROM match_term_count GROUP BY kind").update();
    }

    /** A slice's keys are made on every core while the store takes the slice before it. */
    private <R> void insertAll(Iterable<R> records, Function<R, List<Key>> keysOf) {
        CompletableFuture<List<Object[]>> pending = CompletableFuture.completedFuture(List.of());
        List<R> slice = new ArrayList<>(RECORDS_PER_SLICE);
        for (R record : records) {
            slice.add(record);
            if (slice.size() == RECORDS_PER_SLICE) {
                List<R> next = slice;
                List<Object[]> ready = Futures.awaited(pending);
                pending = Futures.beside(() -> rows(next, keysOf));
                insertRows(ready);
                slice = new ArrayList<>(RECORDS_PER_SLICE);
            }
        }
        insertRows(Futures.awaited(pending));
        insertRows(rows(slice, keysOf));
    }

    private static <R> List<Object[]> rows(List<R> records, Function<R, List<Key>> keysOf) {
        // a key twice for one record is stored once; each record's keys are made together, so the
        // duplicates are found record by record, not in a set as large as the slice
        return records.parallelStream().flatMap(r -> keysOf.apply(r).stream().distinct()).map(MatchStateStore::row).toList();
    }

    /**
     * Makes {@code keys} the keys of {@code recordIds}: only the keys that are new are inserted and
     * only those no longer made are deleted. A changed record mostly keeps its keys (a new city or
     * follower count leaves its name and birth date alone), and inserting into the key table's two
     * indexes, some ten keys per record in a store of millions, was most of the cost of writing them
     * all again: 48,000 keys in 1.2 s for the 5,330 records a 1 %-changed run at a million source
     * rows changed. Returns how many keys were added and how many removed.
     */
    public KeyChanges replaceKeys(Collection<Long> recordIds, List<Key> keys) {
        Set<StoredKey> wanted = new HashSet<>();
        keys.forEach(key -> wanted.add(new StoredKey(key.recordId(), key.kind(), text(stored(key.hashed())))));
        Set<StoredKey> held = new HashSet<>();
        for (List<Long> chunk : InLists.of(new ArrayList<>(recordIds))) {
            jdbc.sql("SELECT source_record_id, kind, hashed FROM match_key WHERE source_record_id IN (:ids)").param("ids", chunk)
                    .query(rs -> {
                        held.add(new StoredKey(rs.getLong(1), rs.getString(2), text(rs.getBytes(3))));
                    });
        }
        List<StoredKey> gone = held.stream().filter(k -> !wanted.contains(k)).toList();
        if (!gone.isEmpty() && postgres) {
            // one statement over the gone keys as arrays, each found by the primary key, rather than a statement per key
            jdbc.sql("DELETE FROM match_key m USING unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS BYTEA[])) AS g(id, kind, hashed)"
                            + " WHERE m.source_record_id = g.id AND m.kind = g.kind AND m.hashed = g.hashed")
                    .params(gone.stream().map(StoredKey::recordId).toArray(Long[]::new), gone.stream().map(StoredKey::kind).toArray(String[]::new),
                            gone.stream().map(k -> stored(k.hashed())).toArray(byte[][]::new))
                    .update();
        } else if (!gone.isEmpty()) {
            named.getJdbcTemplate().batchUpdate("DELETE FROM match_key WHERE source_record_id = ? AND kind = ? AND hashed = ?",
                    gone.stream().map(StoredKey::row).toList());
        }
        List<StoredKey> added = wanted.stream().filter(k -> !held.contains(k))
                .sorted(Comparator.comparingLong(StoredKey::recordId).thenComparing(StoredKey::kind).thenComparing(StoredKey::hashed))
                .toList();
        insertRows(added.stream().map(StoredKey::row).toList());
        countTerms(added, gone);
        return new KeyChanges(added.size(), gone.size());
    }

    /**
     * Takes the term-frequency keys a record gained and lost into the kept counts (V23): each value's
     * holders and its kind's total move by the difference, and a value no record holds any more goes.
     */
    private void countTerms(List<StoredKey> added, List<StoredKey> gone) {
        Map<StoredKey, Long> byValue = new TreeMap<>(Comparator.comparing(StoredKey::kind).thenComparing(StoredKey::hashed));
        Map<String, Long> byKind = new TreeMap<>();
        for (var change : List.of(Map.entry(added, 1L), Map.entry(gone, -1L))) {
            for (StoredKey key : change.getKey()) {
                if (key.kind().startsWith(TERM)) {
                    byValue.merge(new StoredKey(0, key.kind(), key.hashed()), change.getValue(), Long::sum);
                    byKind.merge(key.kind(), change.getValue(), Long::sum);
                }
            }
        }
        byValue.values().removeIf(d -> d == 0);
        byKind.values().removeIf(d -> d == 0);
        if (byValue.isEmpty()) {
            return;
        }
        moveCounts("match_term_count", List.of("kind", "hashed"), byValue.entrySet().stream()
                .map(e -> new CountChange(new Object[]{e.getKey().kind(), stored(e.getKey().hashed())}, e.getValue())).toList());
        if (byValue.values().stream().anyMatch(d -> d < 0)) {
            jdbc.sql("DELETE FROM match_term_count WHERE holders <= 0").update();
        }
        moveCounts("match_term_total", List.of("kind"), byKind.entrySet().stream()
                .map(e -> new CountChange(new Object[]{e.getKey()}, e.getValue())).toList());
    }

    /** A counted row's key columns, and how far its holders move. */
    private record CountChange(Object[] key, long delta) {
    }

    /** Moves each row's holders by its change; a row not there yet is inserted when its change is positive. */
    private void moveCounts(String table, List<String> keyColumns, List<CountChange> changes) {
        JdbcTemplate template = named.getJdbcTemplate();
        int[] updated = template.batchUpdate("UPDATE " + table + " SET holders = holders + ? WHERE "
                        + String.join(" = ? AND ", keyColumns) + " = ?",
                changes.stream().map(c -> Stream.concat(Stream.of(c.delta()), Arrays.stream(c.key())).toArray()).toList());
        List<Object[]> fresh = IntStream.range(0, changes.size()).filter(i -> updated[i] == 0 && changes.get(i).delta() > 0)
                .mapToObj(changes::get).map(c -> Stream.concat(Arrays.stream(c.key()), Stream.of(c.delta())).toArray()).toList();
        if (!fresh.isEmpty()) {
            template.batchUpdate("INSERT INTO " + table + " (" + String.join(", ", keyColumns) + ", holders) VALUES ("
                    + "?, ".repeat(keyColumns.size()) + "?)", fresh);
        }
    }

    /** What {@link #replaceKeys} wrote. */
    public record KeyChanges(int added, int removed) {
    }

    /** A key as stored, its kept bytes as text ({@link #text}) so that two keys compare by value. */
    private record StoredKey(long recordId, String kind, String hashed) {

        /** The key's columns as stored: record id, kind, kept bytes. */
        Object[] row() {
            return new Object[]{recordId, kind, stored(hashed)};
        }
    }

    private void insertRows(List<Object[]> rows) {
        if (!rows.isEmpty()) {
            bulk.insert("match_key", List.of("source_record_id", "kind", "hashed"), rows);
        }
    }

    private static Object[] row(Key key) {
        return new Object[]{key.recordId(), key.kind(), stored(key.hashed())};
    }

    /** The bytes kept of a blind index. */
    private static byte[] stored(String hashed) {
        byte[] tag = Base64.getUrlDecoder().decode(hashed);
        return tag.length <= STORED_BYTES ? tag : Arrays.copyOf(tag, STORED_BYTES);
    }

    /** Kept bytes as text again, for the maps between queries; {@link #stored} gives the same bytes back. */
    private static String text(byte[] stored) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(stored);
    }

    /**
     * Per record, the other records sharing one of its blocking keys; keys held by more than
     * {@code maxBlockSize} records are skipped, as blocking skips oversized blocks.
     */
    public Map<Long, Set<Long>> sharingABlock(Collection<Long> recordIds, int maxBlockSize) {
        // the records' own block keys, then how many hold each, then who: each step an index look-up
        // per value, where one join with a store-wide GROUP BY for the oversized keys cost H2 some
        // 30 s per incremental run at 100,000 records
        Map<String, List<Long>> holders = new HashMap<>();
        for (List<Long> chunk : InLists.of(new ArrayList<>(recordIds))) {
            jdbc.sql("SELECT source_record_id, hashed FROM match_key WHERE source_record_id IN (:ids) AND kind = 'block'")
                    .param("ids", chunk)
                    .query(rs -> {
                        holders.computeIfAbsent(text(rs.getBytes(2)), k -> new ArrayList<>()).add(rs.getLong(1));
                    });
        }
        Map<String, Long> sizes = counts("block", holders.keySet());
        List<String> kept = holders.keySet().stream().filter(h -> sizes.getOrDefault(h, 0L) <= maxBlockSize).sorted().toList();
        Map<Long, Set<Long>> out = new HashMap<>();
        for (List<String> chunk : InLists.of(kept)) {
            Object[] params = chunk.stream().map(MatchStateStore::stored).toArray();
            named.getJdbcTemplate().query("SELECT wanted.h, m.source_record_id FROM " + InLists.valuesTable(chunk.size(), BYTES)
                    + " AS wanted(h) JOIN match_key m ON m.kind = 'block' AND m.hashed = wanted.h", rs -> {
                        long other = rs.getLong(2);
                        for (long holder : holders.get(text(rs.getBytes(1)))) {
                            if (holder != other) {
                                out.computeIfAbsent(holder, k -> new HashSet<>()).add(other);
                            }
                        }
                    }, params);
        }
        return out;
    }

    /**
     * How many records hold each of the hashed values of one kind (looked up value by value, see
     * {@link InLists#valuesTable}), keyed by the values as given: a term-frequency kind's from the
     * kept counts, a block's from the keys themselves.
     */
    public Map<String, Long> counts(String kind, Collection<String> hashed) {
        Map<String, String> given = new HashMap<>(); // kept bytes, as text, to the value asked for
        hashed.forEach(h -> given.put(text(stored(h)), h));
        Map<String, Long> counts = new HashMap<>();
        for (List<String> chunk : InLists.of(new ArrayList<>(given.keySet()))) {
            List<Object> params = new ArrayList<>(chunk.size() + 1);
            chunk.forEach(h -> params.add(stored(h)));
            params.add(kind);
            String sql = kind.startsWith(TERM)
                    ? "SELECT wanted.h, c.holders FROM " + InLists.valuesTable(chunk.size(), BYTES)
                    + " AS wanted(h) JOIN match_term_count c ON c.hashed = wanted.h WHERE c.kind = ?"
                    : "SELECT wanted.h, COUNT(*) FROM " + InLists.valuesTable(chunk.size(), BYTES)
                    + " AS wanted(h) JOIN match_key m ON m.hashed = wanted.h WHERE m.kind = ? GROUP BY wanted.h";
            named.getJdbcTemplate().query(sql, rs -> {
                        counts.put(given.get(text(rs.getBytes(1))), rs.getLong(2));
                    }, params.toArray());
        }
        return counts;
    }

    /** How many keys of a term-frequency kind the store holds (a record mostly holds one value of each), from the kept totals. */
    public long holding(String kind) {
        return jdbc.sql("SELECT holders FROM match_term_total WHERE kind = :kind").param("kind", kind).query(Long.class)
                .optional().orElse(0L);
    }

    // ------------------------------------------------------------------ model

    public Optional<Model> model() {
        return jdbc.sql("SELECT settings, parameters FROM match_model WHERE id = 'current'")
                .query((rs, n) -> new Model(rs.getString(1), rs.getString(2))).optional();
    }

    public void saveModel(Model model, String runId, Instant now) {
        jdbc.sql("DELETE FROM match_model WHERE id = 'current'").update();
        jdbc.sql("INSERT INTO match_model (id, run_id, trained_at, settings, parameters) VALUES ('current', :run, :at, :s, :p)")
                .param("run", runId).param("at", Timestamps.utc(now)).param("s", model.settings()).param("p", model.parameters())
                .update();
    }
}
