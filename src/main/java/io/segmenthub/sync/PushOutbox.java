package io.segmenthub.sync;

import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes between plan and confirmation (the transactional outbox pattern): written before a
 * destination is written, deleted in the transaction that confirms the push. Rows left over were
 * planned by a run that stopped (killed, store lost) after planning; only ids are kept, never the
 * personal values a push may carry.
 */
@Repository
public class PushOutbox {

    /** A push an earlier run planned and did not confirm, as planned, with the run that planned it. */
    public record Pending(String runId, SegmentPush push) {
    }

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;

    public PushOutbox(JdbcClient jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.named = named;
    }

    /** Replaces whatever the destination had pending with these plans. */
    @Transactional
    public void stage(String destinationId, List<SegmentPush> plans, String runId, Instant at) {
        jdbc.sql("DELETE FROM push_outbox WHERE destination_id = :d").param("d", destinationId).update();
        List<MapSqlParameterSource> rows = new ArrayList<>();
        for (SegmentPush push : plans) {
            push.adds().forEach(r -> rows.add(row(push, r, "add", null, runId, at)));
            push.removes().forEach(r -> rows.add(row(push, r, "remove", push.reasonFor(r.goldenId()), runId, at)));
        }
        if (!rows.isEmpty()) {
            named.batchUpdate("""
                    INSERT INTO push_outbox (destination_id, segment_id, golden_id, action, external_id, run_id, reason, planned_at)
                    VALUES (:d, :s, :g, :a, :e, :run, :reason, :at)""", rows.toArray(MapSqlParameterSource[]::new));
        }
    }

    /** What earlier runs planned for the destination and never confirmed, per segment and run. */
    public List<Pending> pending(String destinationId, List<String> fields) {
        Map<List<String>, List<Object[]>> groups = new LinkedHashMap<>();
        jdbc.sql("SELECT segment_id, run_id, golden_id, action, external_id, reason FROM push_outbox WHERE destination_id = :d "
                        + "ORDER BY segment_id, run_id, golden_id")
                .param("d", destinationId)
                .query(rs -> {
                    groups.computeIfAbsent(List.of(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
                            .add(new Object[]{rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)});
                });
        List<Pending> pending = new ArrayList<>();
        groups.forEach((key, rows) -> {
            List<SegmentPush.Row> adds = new ArrayList<>();
            List<SegmentPush.Row> removes = new ArrayList<>();
            Map<String, String> reasons = new LinkedHashMap<>();
            for (Object[] r : rows) {
                SegmentPush.Row row = new SegmentPush.Row((String) r[0], r[2] == null ? "" : (String) r[2], Map.of());
                if ("add".equals(r[1])) {
                    adds.add(row);
                } else {
                    removes.add(row);
                    if (r[3] != null) {
                        reasons.put((String) r[0], (String) r[3]);
                    }
                }
            }
            pending.add(new Pending(key.get(1), new SegmentPush(destinationId, key.get(0), fields, adds, removes, 0, 0, reasons)));
        });
        return pending;
    }

    /** Forgets the pending rows of one segment at one destination (confirmed, or found not delivered). */
    public void clear(String destinationId, String segmentId) {
        jdbc.sql("DELETE FROM push_outbox WHERE destination_id = :d AND segment_id = :s")
                .param("d", destinationId).param("s", segmentId).update();
    }

    public long count(String destinationId) {
        return jdbc.sql("SELECT COUNT(*) FROM push_outbox WHERE destination_id = :d").param("d", destinationId)
                .query(Long.class).single();
    }

    private static MapSqlParameterSource row(SegmentPush push, SegmentPush.Row r, String action, String reason, String runId, Instant at) {
        return new MapSqlParameterSource().addValue("d", push.destinationId()).addValue("s", push.segmentId())
                .addValue("g", r.goldenId()).addValue("a", action)
                .addValue("e", r.externalId().isEmpty() ? null : r.externalId()).addValue("run", runId)
                .addValue("reason", reason == null ? null : reason.length() > 200 ? reason.substring(0, 200) : reason)
                .addValue("at", Timestamps.utc(at));
    }
}
