package io.segmenthub.sync;

import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What each destination holds of each segment after the last successful push: the base of the next diff. */
@Repository
public class PushStateStore {

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;

    public PushStateStore(JdbcClient jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.named = named;
    }

    /** golden id to external id (empty string when none) for what the destination has now. */
    public Map<String, String> pushed(String destinationId, String segmentId) {
        Map<String, String> pushed = new HashMap<>();
        jdbc.sql("SELECT golden_id, external_id FROM push_state WHERE destination_id = :d AND segment_id = :s")
                .param("d", destinationId).param("s", segmentId)
                .query(rs -> {
                    pushed.put(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2));
                });
        return pushed;
    }

    /** Moves the state by the rows the destination accepted; refused rows stay as they were, to be planned again. */
    public void apply(SegmentPush push, String runId, Instant at) {
        List<SegmentPush.Row> removes = push.acceptedRemoves();
        List<SegmentPush.Row> adds = push.acceptedAdds();
        if (!removes.isEmpty()) {
            named.batchUpdate("DELETE FROM push_state WHERE destination_id = :d AND segment_id = :s AND golden_id = :g",
                    removes.stream().map(r -> new MapSqlParameterSource().addValue("d", push.destinationId())
                            .addValue("s", push.segmentId()).addValue("g", r.goldenId())).toArray(MapSqlParameterSource[]::new));
        }
        if (!adds.isEmpty()) {
            // delete-then-insert: an add confirmed again (a recovered push) leaves one row
            named.batchUpdate("DELETE FROM push_state WHERE destination_id = :d AND segment_id = :s AND golden_id = :g",
                    adds.stream().map(r -> new MapSqlParameterSource().addValue("d", push.destinationId())
                            .addValue("s", push.segmentId()).addValue("g", r.goldenId())).toArray(MapSqlParameterSource[]::new));
            named.batchUpdate("""
                            INSERT INTO push_state (destination_id, segment_id, golden_id, external_id, pushed_at, run_id)
                            VALUES (:d, :s, :g, :e, :at, :run)""",
                    adds.stream().map(r -> new MapSqlParameterSource().addValue("d", push.destinationId())
                            .addValue("s", push.segmentId()).addValue("g", r.goldenId())
                            .addValue("e", r.externalId().isEmpty() ? null : r.externalId())
                            .addValue("at", Timestamps.utc(at)).addValue("run", runId)).toArray(MapSqlParameterSource[]::new));
        }
    }

    public List<String> members(String destinationId, String segmentId) {
        return jdbc.sql("SELECT golden_id FROM push_state WHERE destination_id = :d AND segment_id = :s ORDER BY golden_id")
                .param("d", destinationId).param("s", segmentId).query(String.class).list();
    }
}
