package io.segmenthub.profile;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.InLists;
import io.segmenthub.system.SlicedBatch;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Golden profiles, their aliases after merges, their lineage per attribute and the merge/split history. */
@Repository
public class GoldenProfileStore {

    public record Profile(String goldenId, Instant createdAt, Optional<String> mergedInto) {
    }

    public record Change(String kind, String goldenId, Optional<String> otherId, String evidence) {
    }

    public record Lineage(String goldenId, Attribute attribute, long sourceRecordId, String rule) {
    }

    /** Golden ids and attribute keys never hold it. */
    private static final String KEY_SEPARATOR = "\u0000";

    /** Rows into an empty lineage table from which its key is built after the load rather than kept during it. */
    private static final int REBUILD_KEY_FROM = 100_000;
    private static final String PROFILES = "SELECT golden_id, created_at, merged_into FROM golden_profile";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final BulkInsert bulk;

    public GoldenProfileStore(JdbcClient jdbc, NamedParameterJdbcTemplate named, BulkInsert bulk) {
        this.jdbc = jdbc;
        this.named = named;
        this.bulk = bulk;
    }

    public Map<String, Profile> all() {
        Map<String, Profile> byId = new HashMap<>();
        jdbc.sql(PROFILES).query(rs -> {
            byId.put(rs.getString(1), profile(rs));
        });
        return byId;
    }

    /** The given profiles, and the survivors those merged into. */
    public Map<String, Profile> byIds(Collection<String> ids) {
        Map<String, Profile> byId = new HashMap<>();
        Set<String> wanted = new TreeSet<>(ids);
        while (!wanted.isEmpty()) {
            for (List<String> chunk : InLists.of(List.copyOf(wanted))) {
                jdbc.sql(PROFILES + " WHERE golden_id IN (:ids)").param("ids", chunk).query(rs -> {
                    byId.put(rs.getString(1), profile(rs));
                });
            }
            wanted = new TreeSet<>();
            for (Profile p : byId.values()) {
                p.mergedInto().filter(id -> !byId.containsKey(id)).ifPresent(wanted::add);
            }
        }
        return byId;
    }

    private static Profile profile(ResultSet rs) throws SQLException {
        return new Profile(rs.getString(1), Timestamps.read(rs, "created_at"), Optional.ofNullable(rs.getString(3)));
    }

    public void create(Collection<String> ids, String runId, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        var at = Timestamps.utc(now);
        // by COPY on PostgreSQL: a first sync creates a profile for most of its records (370,000 at a million source rows)
        bulk.insert("golden_profile", List.of("golden_id", "created_at", "updated_at", "run_id"),
                ids.stream().map(id -> new Object[]{id, at, at, runId}).toList());
    }

    public void touch(Collection<String> ids, String runId, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        var at = Timestamps.utc(now);
        SlicedBatch.run(named.getJdbcTemplate(), "UPDATE golden_profile SET updated_at = ?, run_id = ? WHERE golden_id = ?",
                ids.stream().map(id -> new Object[]{at, runId, id}).toList());
    }

    /** {@code merged} becomes an alias of {@code survivor}: it still resolves, to the survivor. */
    public void alias(Map<String, String> mergedToSurvivor, String runId, Instant now) {
        if (mergedToSurvivor.isEmpty()) {
            return;
        }
        named.batchUpdate("UPDATE golden_profile SET merged_into = :survivor, updated_at = :now, run_id = :run WHERE golden_id = :id",
                mergedToSurvivor.entrySet().stream().map(e -> new MapSqlParameterSource().addValue("id", e.getKey())
                        .addValue("survivor", e.getValue()).addValue("now", Timestamps.utc(now)).addValue("run", runId))
                        .toArray(MapSqlParameterSource[]::new));
        // aliases of an alias point straight at the survivor, so resolving is one step
        mergedToSurvivor.forEach((merged, survivor) -> jdbc.sql("UPDATE golden_profile SET merged_into = :survivor WHERE merged_into = :merged")
                .param("survivor", survivor).param("merged", merged).update());
    }

    public void recordChanges(List<Change> changes, String runId, Instant now) {
        if (changes.isEmpty()) {
            return;
        }
        named.batchUpdate("""
                        INSERT INTO profile_change (run_id, kind, golden_id, other_id, evidence, at)
                        VALUES (:run, :kind, :golden, :other, :evidence, :at)""",
                changes.stream().map(c -> new MapSqlParameterSource().addValue("run", runId).addValue("kind", c.kind())
                        .addValue("golden", c.goldenId()).addValue("other", c.otherId().orElse(null))
                        .addValue("evidence", c.evidence()).addValue("at", Timestamps.utc(now))).toArray(MapSqlParameterSource[]::new));
    }

    /**
     * Makes the stored lineage equal to {@code lineage}, writing only the differences: a run that
     * changed a few records rewrites a few rows, not every profile's (deleting and re-inserting
     * the whole table was 5.6 s of a 1 %-changed run over 100,000 records on PostgreSQL).
     *
     * @return how many rows were inserted, updated and deleted
     */
    public int replaceLineage(List<Lineage> lineage) {
        return replaceLineage(lineage, Optional.empty());
    }

    /**
     * The same for the profiles in {@code scope} only (when given): {@code lineage} is then theirs,
     * and other profiles' rows are neither read nor touched.
     */
    public int replaceLineage(List<Lineage> lineage, Optional<? extends Collection<String>> scope) {
        record Source(long sourceRecordId, String rule) {
        }
        // rows as positional arrays written in slices (see SlicedBatch)
        Map<String, Source> stored = new HashMap<>();
        String select = "SELECT golden_id, attribute, source_record_id, rule FROM golden_attribute";
        RowCallbackHandler read = rs -> stored.put(rs.getString(1) + KEY_SEPARATOR + rs.getString(2), new Source(rs.getLong(3), rs.getString(4)));
        if (scope.isEmpty()) {
            jdbc.sql(select).query(read);
        } else {
            for (List<String> chunk : InLists.of(List.copyOf(new TreeSet<>(scope.get())))) {
                jdbc.sql(select + " WHERE golden_id IN (:ids)").param("ids", chunk).query(read);
            }
        }
        boolean wasEmpty = scope.isEmpty() && stored.isEmpty(); // read whole: the table holds nothing yet
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        for (Lineage l : lineage) {
            Source was = stored.remove(l.goldenId() + KEY_SEPARATOR + l.attribute().key());
            if (new Source(l.sourceRecordId(), l.rule()).equals(was)) {
                continue; // the same winner by the same rule: nothing to write
            }
            if (was == null) {
                inserts.add(new Object[]{l.goldenId(), l.attribute().key(), l.sourceRecordId(), l.rule()});
            } else {
                updates.add(new Object[]{l.sourceRecordId(), l.rule(), l.goldenId(), l.attribute().key()});
            }
        }
        List<Object[]> deletes = stored.keySet().stream().map(k -> (Object[]) k.split(KEY_SEPARATOR, 2)).toList();
        SlicedBatch.run(named.getJdbcTemplate(), "DELETE FROM golden_attribute WHERE golden_id = ? AND attribute = ?", deletes);
        SlicedBatch.run(named.getJdbcTemplate(), "UPDATE golden_attribute SET source_record_id = ?, rule = ? WHERE golden_id = ? AND attribute = ?", updates);
        // a first run over a million source rows inserts two million rows here: COPY on PostgreSQL,
        // into an empty table without its key, built after (6.6 s with it, 3.1 s with the build);
        // the table is locked until the profile stages commit, when there was nothing in it to read
        boolean rebuild = wasEmpty && inserts.size() >= REBUILD_KEY_FROM && SlicedBatch.postgres(named.getJdbcTemplate());
        if (rebuild) {
            jdbc.sql("ALTER TABLE golden_attribute DROP CONSTRAINT golden_attribute_pkey").update();
        }
        bulk.insert("golden_attribute", List.of("golden_id", "attribute", "source_record_id", "rule"), inserts);
        if (rebuild) { // as V1 declares it
            jdbc.sql("ALTER TABLE golden_attribute ADD CONSTRAINT golden_attribute_pkey PRIMARY KEY (golden_id, attribute)").update();
        }
        return inserts.size() + updates.size() + deletes.size();
    }

    /** The golden id a (possibly merged) id resolves to now. */
    public Optional<String> resolve(String goldenId) {
        return jdbc.sql("SELECT golden_id, merged_into FROM golden_profile WHERE golden_id = :id").param("id", goldenId)
                .query((rs, n) -> Optional.ofNullable(rs.getString(2)).orElse(rs.getString(1))).optional();
    }

    public long active() {
        return jdbc.sql("SELECT COUNT(*) FROM golden_profile WHERE merged_into IS NULL AND erased_at IS NULL").query(Long.class).single();
    }

    public List<Lineage> lineage(String goldenId) {
        return jdbc.sql("SELECT golden_id, attribute, source_record_id, rule FROM golden_attribute WHERE golden_id = :id ORDER BY attribute")
                .param("id", goldenId)
                .query((rs, n) -> new Lineage(rs.getString(1), Attribute.fromKey(rs.getString(2)).orElseThrow(), rs.getLong(3), rs.getString(4)))
                .list();
    }
}
