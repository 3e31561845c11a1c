package io.segmenthub.profile;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.InLists;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What probabilistic matching keeps between runs, with no personal data: the links that joined
 * records with their evidence, per record the blind indexes of its blocking keys and of the values
 * whose rarity adjusts weights, and the learned model's numbers.
 */
@Repository
public class MatchStateStore {

    /** Keys written per statement when all are replaced. */
    private static final int KEYS_PER_SLICE = 100_000;

    /** A blind-indexed key of a record: kind "block", or "tf:&lt;field&gt;". */
    public record Key(long recordId, String kind, String hashed) {
    }

    /** The stored model: which settings it was learned with, and its parameters as JSON. */
    public record Model(String settings, String parameters) {
    }

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final BulkInsert bulk;

    public MatchStateStore(JdbcClient jdbc, NamedParameterJdbcTemplate named, BulkInsert bulk) {
        this.jdbc = jdbc;
        this.named = named;
        this.bulk = bulk;
    }

    // ------------------------------------------------------------------ links

    public List<GuardedLinking.Candidate> links() {
        return jdbc.sql("SELECT left_record_id, right_record_id, match_weight, match_probability, evidence FROM match_link")
                .query((rs, n) -> new GuardedLinking.Candidate(rs.getLong(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4),
                        rs.getString(5), rs.getString(5).contains("\"sharedPhone\":true")))
                .list();
    }

    /** Keeps exactly {@code joined}: links no longer joining anything go, new ones come with this run's id, the rest stay as they were. */
    public void replaceLinks(List<GuardedLinking.Candidate> joined, String runId) {
        Set<String> wanted = new HashSet<>();
        joined.forEach(c -> wanted.add(key(c.left(), c.right())));
        Set<String> stored = new HashSet<>();
        List<long[]> gone = new ArrayList<>();
        jdbc.sql("SELECT left_record_id, right_record_id FROM match_link").query(rs -> {
            String k = key(rs.getLong(1), rs.getLong(2));
            stored.add(k);
            if (!wanted.contains(k)) {
                gone.add(new long[]{rs.getLong(1), rs.getLong(2)});
            }
        });
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
     */
    public <R> void replaceAllKeys(Iterable<R> records, java.util.function.Function<R, List<Key>> keysOf) {
        jdbc.sql("DELETE FROM match_key").update();
        List<Key> slice = new ArrayList<>();
        for (R record : records) {
            slice.addAll(keysOf.apply(record)); // one record's keys never straddle two slices
            if (slice.size() >= KEYS_PER_SLICE) {
                insert(slice);
                slice = new ArrayList<>();
            }
        }
        insert(slice);
    }

    public void replaceKeys(Collection<Long> recordIds, List<Key> keys) {
        List<Long> ids = new ArrayList<>(recordIds);
        for (List<Long> chunk : InLists.of(ids)) {
            jdbc.sql("DELETE FROM match_key WHERE source_record_id IN (:ids)").param("ids", chunk).update();
        }
        insert(keys);
    }

    private void insert(List<Key> keys) {
        if (keys.isEmpty()) {
            return;
        }
        bulk.insert("match_key", List.of("source_record_id", "kind", "hashed"),
                keys.stream().distinct().map(k -> new Object[]{k.recordId(), k.kind(), k.hashed()}).toList());
    }

    /**
     * Per record, the other records sharing one of its blocking keys; keys held by more than
     * {@code maxBlockSize} records are skipped, as blocking skips oversized blocks.
     */
    public Map<Long, Set<Long>> sharingABlock(Collection<Long> recordIds, int maxBlockSize) {
        Map<Long, Set<Long>> out = new HashMap<>();
        List<Long> ids = new ArrayList<>(recordIds);
        for (List<Long> chunk : InLists.of(ids)) {
            jdbc.sql("""
                            SELECT a.source_record_id, b.source_record_id FROM match_key a
                            JOIN match_key b ON b.kind = a.kind AND b.hashed = a.hashed AND b.source_record_id <> a.source_record_id
                            WHERE a.kind = 'block' AND a.source_record_id IN (:ids)
                              AND a.hashed NOT IN (SELECT hashed FROM match_key WHERE kind = 'block' GROUP BY hashed HAVING COUNT(*) > :max)""")
                    .param("ids", chunk).param("max", maxBlockSize)
                    .query(rs -> {
                        out.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getLong(2));
                    });
        }
        return out;
    }

    /** How many records hold each of the hashed values of one kind, and how many hold any value of it. */
    public Map<String, Long> counts(String kind, Collection<String> hashed) {
        Map<String, Long> counts = new HashMap<>();
        List<String> values = new ArrayList<>(new HashSet<>(hashed));
        for (List<String> chunk : InLists.of(values)) {
            jdbc.sql("SELECT hashed, COUNT(*) FROM match_key WHERE kind = :kind AND hashed IN (:h) GROUP BY hashed")
                    .param("kind", kind).param("h", chunk)
                    .query(rs -> {
                        counts.put(rs.getString(1), rs.getLong(2));
                    });
        }
        return counts;
    }

    public long holding(String kind) {
        return jdbc.sql("SELECT COUNT(DISTINCT source_record_id) FROM match_key WHERE kind = :kind").param("kind", kind)
                .query(Long.class).single();
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
