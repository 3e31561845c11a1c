package io.segmenthub.profile;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.InLists;
import io.segmenthub.system.ReservedIds;
import io.segmenthub.system.SlicedBatch;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Source records in the store: sealed personal data, plaintext non-personal attributes, which
 * attributes are present or invalid (no values), a keyed content hash to skip unchanged records,
 * and blind indexes for matching.
 */
@Repository
public class SourceRecordStore {

    /** What the store already holds for a record, enough to decide insert, update or unchanged. */
    public record Existing(long id, String contentHash, Optional<Long> dataKeyId, Optional<String> pulledHash) {
    }

    /** A record ready to store: nothing in it is plaintext personal data. */
    public record Protected(String system, String recordId, String connectorId, Instant sourceUpdatedAt,
                            Optional<Long> dataKeyId, Optional<byte[]> pii, String attributesJson,
                            String present, String invalid, String contentHash, List<IndexEntry> indexes, String pulledHash) {

        /** The same record with its personal data sealed under the given data key. */
        public Protected withPii(long dataKey, byte[] sealed) {
            return new Protected(system, recordId, connectorId, sourceUpdatedAt, Optional.of(dataKey), Optional.of(sealed), attributesJson,
                    present, invalid, contentHash, indexes, pulledHash);
        }
    }

    /** A blind index of a record: {@code kind} is "email" or "phone". */
    public record IndexEntry(String kind, String value) {
    }

    /** What matching and survivorship need of a record, with no personal data. */
    public record Facts(long id, String system, String recordId, Instant sourceUpdatedAt, List<String> present,
                        List<String> invalid, Optional<String> goldenId, String runId) {
    }

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final BulkInsert bulk;
    private final boolean postgres;
    private final JdbcTemplate streaming;

    /** Rows fetched together when a scan is streamed. */
    private static final int STREAMED_TOGETHER = 10_000;

    public SourceRecordStore(JdbcClient jdbc, NamedParameterJdbcTemplate named, BulkInsert bulk) {
        this.jdbc = jdbc;
        this.named = named;
        this.bulk = bulk;
        this.postgres = SlicedBatch.postgres(named.getJdbcTemplate());
        // a scan of a whole system is read in slices, not into the driver's memory at once
        this.streaming = new JdbcTemplate(Objects.requireNonNull(named.getJdbcTemplate().getDataSource()));
        this.streaming.setFetchSize(STREAMED_TOGETHER);
    }

    public Map<String, Existing> existing(String system, Collection<String> recordIds) {
        Map<String, Existing> found = new HashMap<>();
        if (recordIds.isEmpty()) {
            return found;
        }
        List<String> wanted = List.copyOf(new LinkedHashSet<>(recordIds));
        // PostgreSQL: the batch as one array, each id looked up by index (see InLists.eachLookedUp)
        List<List<String>> chunks = postgres ? List.of(wanted) : InLists.of(wanted);
        String columns = "r.id, r.record_id, r.content_hash, r.data_key_id, r.pulled_hash";
        for (List<String> chunk : chunks) {
            var query = postgres
                    ? jdbc.sql("SELECT found.* FROM " + InLists.eachLookedUp("?", "record_id",
                            "SELECT " + columns + " FROM source_record r WHERE r.system = ? AND r.record_id = wanted.record_id"))
                    .params(chunk.toArray(String[]::new), system)
                    : jdbc.sql("SELECT " + columns + " FROM " + InLists.valuesTable(chunk.size())
                            + " AS wanted(record_id) JOIN source_record r ON r.record_id = wanted.record_id WHERE r.system = ?")
                    .params(withLast(chunk, system));
            query.query(rs -> {
                long key = rs.getLong("data_key_id");
                Optional<Long> dataKey = rs.wasNull() ? Optional.empty() : Optional.of(key);
                found.put(rs.getString("record_id"), new Existing(rs.getLong("id"), rs.getString("content_hash"), dataKey,
                        Optional.ofNullable(rs.getString("pulled_hash"))));
            });
        }
        return found;
    }

    /**
     * The hash each of a system's records was last pulled with, by record id, read in one scan
     * (records stored before pulled hashes were kept have none and are left out); empty when the
     * system holds more than {@code atMost} of them, so that a caller never holds more.
     */
    public Optional<Map<String, String>> pulledHashes(String system, int atMost) {
        return Optional.ofNullable(streaming.query("SELECT record_id, pulled_hash FROM source_record WHERE system = ? AND pulled_hash IS NOT NULL",
                (ResultSetExtractor<Map<String, String>>) rs -> {
                    Map<String, String> hashes = new HashMap<>();
                    while (rs.next()) {
                        if (hashes.size() == atMost) {
                            return null;
                        }
                        hashes.put(rs.getString(1), rs.getString(2));
                    }
                    return hashes;
                }, system));
    }

    /** Positional parameters: a values table's rows, then one more for the condition after it. */
    private static List<Object> withLast(List<String> values, Object last) {
        List<Object> params = new ArrayList<>(values);
        params.add(last);
        return params;
    }

    /**
     * Inserts new records and their blind indexes; ids in the order given. On PostgreSQL with ids
     * reserved up front and {@code COPY} (a million-row first run's 600,000 records went in as
     * multi-row statements in 11 s, by COPY in 8); on H2 as batches, reading back the generated ids.
     */
    public List<Long> insertAll(List<Protected> rows, String runId, Instant now) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Long> ids;
        if (postgres) {
            ids = ReservedIds.of(named.getJdbcTemplate(), "source_record", rows.size());
            List<Object[]> values = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Protected r = rows.get(i);
                values.add(new Object[]{ids.get(i), r.system(), r.recordId(), r.connectorId(), Timestamps.utc(r.sourceUpdatedAt()),
                        Timestamps.utc(now), runId, r.dataKeyId().orElse(null), r.pii().orElse(null), r.attributesJson(), r.present(),
                        r.invalid(), r.contentHash(), r.pulledHash()});
            }
            bulk.insert("source_record", List.of("id", "system", "record_id", "connector_id", "source_updated_at", "ingested_at",
                    "run_id", "data_key_id", "pii", "attributes", "present", "invalid", "content_hash", "pulled_hash"), values);
        } else {
            ids = ReservedIds.insertAll(named, false, "source_record", """
                            system, record_id, connector_id, source_updated_at, ingested_at, run_id, data_key_id, pii, attributes, present,
                            invalid, content_hash, pulled_hash""",
                    ":system, :recordId, :connector, :updated, :now, :run, :dataKey, :pii, :attributes, :present, :invalid, :hash, :pulled",
                    rows.stream().map(r -> params(r, runId, now)).toArray(MapSqlParameterSource[]::new));
        }
        List<Object[]> indexes = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            indexes.addAll(indexRows(ids.get(i), rows.get(i).indexes()));
        }
        insertIndexes(indexes);
        return ids;
    }

    /** A stored record (its id) and its new content. */
    public record Changed(long id, Protected record) {
    }

    /**
     * Replaces the content and blind indexes of stored records: on PostgreSQL each as one statement
     * over arrays of the batch's values (3,500 changed records of a re-run took 134 ms so against
     * 270 ms row by row, on the server alone), elsewhere each statement as one batch.
     */
    public void updateAll(List<Changed> changed, String runId, Instant now) {
        if (changed.isEmpty()) {
            return;
        }
        if (postgres) {
            updateAllAtOnce(changed, runId, now);
        } else {
            named.batchUpdate("""
                            UPDATE source_record SET connector_id = :connector, source_updated_at = :updated, ingested_at = :now,
                                   run_id = :run, data_key_id = :dataKey, pii = :pii, attributes = :attributes, present = :present,
                                   invalid = :invalid, content_hash = :hash, pulled_hash = :pulled
                            WHERE id = :id""",
                    changed.stream().map(c -> params(c.record(), runId, now).addValue("id", c.id())).toArray(MapSqlParameterSource[]::new));
            named.batchUpdate("DELETE FROM record_index WHERE source_record_id = :id",
                    changed.stream().map(c -> new MapSqlParameterSource("id", c.id())).toArray(MapSqlParameterSource[]::new));
        }
        List<Object[]> indexes = new ArrayList<>();
        changed.forEach(c -> indexes.addAll(indexRows(c.id(), c.record().indexes())));
        insertIndexes(indexes);
    }

    /** PostgreSQL: the batch's rows as arrays, unnested side by side and joined to the records by id (looked up by index). */
    private void updateAllAtOnce(List<Changed> changed, String runId, Instant now) {
        int n = changed.size();
        Long[] ids = new Long[n];
        String[] connectors = new String[n];
        String[] updated = new String[n];
        Long[] dataKeys = new Long[n];
        byte[][] pii = new byte[n][];
        String[] attributes = new String[n];
        String[] present = new String[n];
        String[] invalid = new String[n];
        String[] hashes = new String[n];
        String[] pulled = new String[n];
        for (int i = 0; i < n; i++) {
            Protected r = changed.get(i).record();
            ids[i] = changed.get(i).id();
            connectors[i] = r.connectorId();
            OffsetDateTime at = Timestamps.utc(r.sourceUpdatedAt());
            updated[i] = at == null ? null : at.toString();
            dataKeys[i] = r.dataKeyId().orElse(null);
            pii[i] = r.pii().orElse(null);
            attributes[i] = r.attributesJson();
            present[i] = r.present();
            invalid[i] = r.invalid();
            hashes[i] = r.contentHash();
            pulled[i] = r.pulledHash();
        }
        jdbc.sql("""
                        UPDATE source_record r SET connector_id = u.connector, source_updated_at = u.updated, ingested_at = ?, run_id = ?,
                               data_key_id = u.data_key, pii = u.pii, attributes = u.attributes, present = u.present, invalid = u.invalid,
                               content_hash = u.hash, pulled_hash = u.pulled
                        FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TIMESTAMPTZ[]), CAST(? AS BIGINT[]), CAST(? AS BYTEA[]),
                                    CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]))
                             AS u(id, connector, updated, data_key, pii, attributes, present, invalid, hash, pulled)
                        WHERE r.id = u.id""")
                .params(Timestamps.utc(now), runId, ids, connectors, updated, dataKeys, pii, attributes, present, invalid, hashes, pulled)
                .update();
        jdbc.sql("DELETE FROM record_index i USING unnest(CAST(? AS BIGINT[])) AS d(id) WHERE i.source_record_id = d.id").params((Object) ids)
                .update();
    }

    /**
     * Records whose stored content stays as it was, with the hash of how they were pulled this time
     * (record id to hash): the next pull that matches it is left alone without being examined.
     */
    public void rememberPulled(Map<Long, String> pulledHashes) {
        if (!pulledHashes.isEmpty()) {
            named.batchUpdate("UPDATE source_record SET pulled_hash = :pulled WHERE id = :id", pulledHashes.entrySet().stream()
                    .map(e -> new MapSqlParameterSource().addValue("id", e.getKey()).addValue("pulled", e.getValue()))
                    .toArray(MapSqlParameterSource[]::new));
        }
    }

    private static List<Object[]> indexRows(long id, List<IndexEntry> indexes) {
        return indexes.stream().distinct().map(i -> new Object[]{id, i.kind(), i.value()}).toList();
    }

    /** Blind indexes: by COPY on PostgreSQL (800,000 of a million-row first run's took 8 s as a batch, 5 by COPY). */
    private void insertIndexes(List<Object[]> rows) {
        bulk.insert("record_index", List.of("source_record_id", "kind", "hashed"), rows);
    }

    private static MapSqlParameterSource params(Protected r, String runId, Instant now) {
        return new MapSqlParameterSource()
                .addValue("system", r.system())
                .addValue("recordId", r.recordId())
                .addValue("connector", r.connectorId())
                .addValue("updated", Timestamps.utc(r.sourceUpdatedAt()))
                .addValue("now", Timestamps.utc(now))
                .addValue("run", runId)
                .addValue("dataKey", r.dataKeyId().orElse(null))
                .addValue("pii", r.pii().orElse(null))
                .addValue("attributes", r.attributesJson())
                .addValue("present", r.present())
                .addValue("invalid", r.invalid())
                .addValue("hash", r.contentHash())
                .addValue("pulled", r.pulledHash());
    }

    /** Each record {@code r} with the golden profile {@code g} it is in; {@code g.golden_id} is null until a resolution places it. */
    private static final String PLACED = "source_record r LEFT JOIN record_golden g ON g.source_record_id = r.id";

    /** A record's facts with the golden profile it is in, if a resolution placed it. */
    private static final String FACTS = "SELECT r.id, r.system, r.record_id, r.source_updated_at, r.present, r.invalid, g.golden_id, r.run_id"
            + " FROM " + PLACED + " ";

    /**
     * Every record that carries an identity, for resolution. The few distinct systems, run ids and
     * attribute names are shared, not read afresh per row: a store of 600,000 records would hold
     * millions of copies of "given_name" while it resolves.
     */
    public List<Facts> identified() {
        Map<String, String> shared = new HashMap<>();
        return jdbc.sql(FACTS + "WHERE r.present <> '' ORDER BY r.id")
                .query((rs, n) -> facts(rs, shared))
                .list();
    }

    /**
     * Records with an identity that {@code runIds} stored (this run, and runs that failed before
     * their resolution committed), or that no resolution has placed yet (a run stopped between its
     * pull and its profile stages): what an incremental resolution starts from.
     */
    public Set<Long> unresolved(Collection<String> runIds) {
        return new HashSet<>(jdbc.sql("SELECT r.id FROM " + PLACED + " WHERE r.present <> '' AND (r.run_id IN (:runs) OR g.golden_id IS NULL)")
                .param("runs", List.copyOf(runIds)).query(Long.class).list());
    }

    public long identifiedCount() {
        return jdbc.sql("SELECT COUNT(*) FROM source_record WHERE present <> ''").query(Long.class).single();
    }

    /** The records with an identity among {@code ids} and those belonging to {@code goldenIds}, by id. */
    public List<Facts> identified(Collection<Long> ids, Collection<String> goldenIds) {
        Map<String, String> shared = new HashMap<>();
        Map<Long, Facts> found = new TreeMap<>();
        String select = FACTS + "WHERE r.present <> '' AND ";
        for (List<Long> chunk : InLists.of(List.copyOf(new TreeSet<>(ids)))) {
            jdbc.sql(select + "r.id IN (:ids)").param("ids", chunk).query(rs -> {
                found.put(rs.getLong("id"), facts(rs, shared));
            });
        }
        for (List<String> chunk : InLists.of(List.copyOf(new TreeSet<>(goldenIds)))) {
            jdbc.sql(select + "g.golden_id IN (:ids)").param("ids", chunk).query(rs -> {
                found.put(rs.getLong("id"), facts(rs, shared));
            });
        }
        return new ArrayList<>(found.values());
    }

    /** The golden profiles the given records belong to now. */
    public Set<String> goldenIdsOf(Collection<Long> ids) {
        Set<String> goldens = new HashSet<>();
        for (List<Long> chunk : InLists.of(List.copyOf(new TreeSet<>(ids)))) {
            goldens.addAll(jdbc.sql("SELECT DISTINCT golden_id FROM record_golden WHERE source_record_id IN (:ids)")
                    .param("ids", chunk).query(String.class).list());
        }
        return goldens;
    }

    /** The records sharing a blind-indexed e-mail or phone with one of {@code ids} (those included). */
    public Set<Long> sharingAnIndex(Collection<Long> ids) {
        Map<String, Set<String>> valuesByKind = new HashMap<>();
        indexes(ids).values().forEach(list -> list.forEach(i -> valuesByKind.computeIfAbsent(i.kind(), k -> new HashSet<>()).add(i.value())));
        Set<Long> holders = new HashSet<>();
        valuesByKind.forEach((kind, values) -> {
            for (List<String> chunk : InLists.of(List.copyOf(new TreeSet<>(values)))) {
                // a values table joined on the (kind, hashed) index, as for ingest's look-ups (see InLists)
                named.getJdbcTemplate().query("SELECT i.source_record_id FROM " + InLists.valuesTable(chunk.size())
                        + " AS wanted(h) JOIN record_index i ON i.hashed = wanted.h WHERE i.kind = ?", rs -> {
                            holders.add(rs.getLong(1));
                        }, withLast(chunk, kind).toArray());
            }
        });
        return holders;
    }

    private static Facts facts(ResultSet rs, Map<String, String> shared) throws SQLException {
        return new Facts(rs.getLong("id"), share(shared, rs.getString("system")), rs.getString("record_id"),
                Timestamps.read(rs, "source_updated_at"), split(rs.getString("present"), shared),
                split(rs.getString("invalid"), shared), Optional.ofNullable(rs.getString("golden_id")),
                share(shared, rs.getString("run_id")));
    }

    private static String share(Map<String, String> shared, String value) {
        return value == null ? null : shared.computeIfAbsent(value, v -> v);
    }

    private static List<String> split(String csv, Map<String, String> shared) {
        return split(csv).stream().map(v -> share(shared, v)).toList();
    }

    /** The blind indexes of the given records. */
    public Map<Long, List<IndexEntry>> indexes(Collection<Long> ids) {
        Map<Long, List<IndexEntry>> byRecord = new HashMap<>();
        RowCallbackHandler read = indexReader(byRecord);
        for (List<Long> chunk : InLists.of(List.copyOf(new TreeSet<>(ids)))) {
            jdbc.sql(INDEXES + " WHERE source_record_id IN (:ids)").param("ids", chunk).query(read);
        }
        return byRecord;
    }

    private static final String INDEXES = "SELECT source_record_id, kind, hashed FROM record_index";

    /** Adds each row of {@link #INDEXES} to its record's list; the two kinds' names are shared, not copied per row. */
    private static RowCallbackHandler indexReader(Map<Long, List<IndexEntry>> byRecord) {
        Map<String, String> kinds = new HashMap<>();
        return rs -> byRecord.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>(2))
                .add(new IndexEntry(share(kinds, rs.getString(2)), rs.getString(3)));
    }

    public Map<Long, List<IndexEntry>> indexes() {
        Map<Long, List<IndexEntry>> byRecord = new HashMap<>();
        jdbc.sql(INDEXES).query(indexReader(byRecord));
        return byRecord;
    }

    /**
     * Places records in golden profiles: {@code moved} had one and go to another, {@code placed} had
     * none (new records, and all of them on a first sync: those go in by {@code COPY} on PostgreSQL).
     */
    public void assignGolden(Map<Long, String> moved, Map<Long, String> placed) {
        if (!moved.isEmpty()) {
            SlicedBatch.setById(named.getJdbcTemplate(), "record_golden", "source_record_id", "golden_id", moved);
        }
        if (!placed.isEmpty()) {
            List<Object[]> rows = new ArrayList<>(placed.size());
            placed.forEach((record, golden) -> rows.add(new Object[]{record, golden}));
            bulk.insert("record_golden", List.of("source_record_id", "golden_id"), rows);
        }
    }

    /** Lineage: every source record in the store with the golden profile it belongs to. */
    public void forEachLineage(LineageRow consumer) {
        jdbc.sql("SELECT r.system, r.record_id, g.golden_id FROM " + PLACED + " ORDER BY r.system, r.record_id")
                .query(rs -> {
                    consumer.accept(rs.getString(1), rs.getString(2), rs.getString(3));
                });
    }

    @FunctionalInterface
    public interface LineageRow {
        void accept(String system, String recordId, String goldenId);
    }

    static List<String> split(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : List.of(csv.split(","));
    }
}
