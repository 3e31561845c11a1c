package io.segmenthub.segment;

import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Segment and tag sizes per run, and who entered or exited in a run. Sizes are written by each
 * run's segment stage; the members who moved are read from the membership stints, which record the
 * run that opened and closed them. Golden ids and counts only.
 */
@Repository
public class SegmentHistory {

    /** What a run found for one segment or tag. */
    public record Entry(String segmentId, SegmentKind kind, long members, long entered, long exited, long holdout) {
    }

    /** One run's size of a segment. */
    public record RunSize(String runId, Instant recordedAt, String kind, long members, long entered, long exited, long holdout) {
    }

    /** The golden ids that entered and exited a segment in one run. */
    public record Changes(String segmentId, String runId, List<String> entered, List<String> exited) {
        public Changes {
            entered = List.copyOf(entered);
            exited = List.copyOf(exited);
        }
    }

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;

    public SegmentHistory(JdbcClient jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.named = named;
    }

    public void record(String runId, Instant at, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        named.batchUpdate("""
                        INSERT INTO segment_history (run_id, segment_id, kind, recorded_at, members, entered, exited, holdout)
                        VALUES (:run, :segment, :kind, :at, :members, :entered, :exited, :holdout)""",
                entries.stream().map(e -> new MapSqlParameterSource().addValue("run", runId).addValue("segment", e.segmentId())
                        .addValue("kind", e.kind().key()).addValue("at", Timestamps.utc(at)).addValue("members", e.members())
                        .addValue("entered", e.entered()).addValue("exited", e.exited()).addValue("holdout", e.holdout()))
                        .toArray(MapSqlParameterSource[]::new));
    }

    /** The segment's size in every run that evaluated it, oldest first; empty for an id never evaluated. */
    public List<RunSize> sizes(String segmentId) {
        return jdbc.sql("""
                        SELECT run_id, recorded_at, kind, members, entered, exited, holdout FROM segment_history
                        WHERE segment_id = :s ORDER BY recorded_at, run_id""")
                .param("s", segmentId)
                .query((rs, n) -> new RunSize(rs.getString(1), Timestamps.read(rs, "recorded_at"), rs.getString(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7)))
                .list();
    }

    /** Who entered and exited the segment in the run; empty when the run did not evaluate the segment. */
    public Optional<Changes> changes(String segmentId, String runId) {
        boolean evaluated = jdbc.sql("SELECT COUNT(*) FROM segment_history WHERE segment_id = :s AND run_id = :r")
                .param("s", segmentId).param("r", runId).query(Long.class).single() > 0;
        if (!evaluated) {
            return Optional.empty();
        }
        List<String> entered = jdbc.sql("SELECT golden_id FROM segment_membership WHERE segment_id = :s AND entered_run = :r ORDER BY golden_id")
                .param("s", segmentId).param("r", runId).query(String.class).list();
        List<String> exited = jdbc.sql("SELECT golden_id FROM segment_membership WHERE segment_id = :s AND exited_run = :r ORDER BY golden_id")
                .param("s", segmentId).param("r", runId).query(String.class).list();
        return Optional.of(new Changes(segmentId, runId, entered, exited));
    }
}
