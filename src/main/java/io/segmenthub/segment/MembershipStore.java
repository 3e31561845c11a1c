package io.segmenthub.segment;

import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** Segment membership as stints: entered at, exited at (open while a member), with the runs that decided them. */
@Repository
public class MembershipStore {

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;

    public MembershipStore(JdbcClient jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.named = named;
    }

    public Set<String> members(String segmentId) {
        return new HashSet<>(jdbc.sql("SELECT golden_id FROM segment_membership WHERE segment_id = :s AND exited_at IS NULL")
                .param("s", segmentId).query(String.class).list());
    }

    /** Members who are not in the segment's holdout: the ones that may be pushed. */
    public Set<String> treated(String segmentId) {
        return new HashSet<>(jdbc.sql("SELECT golden_id FROM segment_membership WHERE segment_id = :s AND exited_at IS NULL AND holdout = FALSE")
                .param("s", segmentId).query(String.class).list());
    }

    public long holdoutSize(String segmentId) {
        return jdbc.sql("SELECT COUNT(*) FROM segment_membership WHERE segment_id = :s AND exited_at IS NULL AND holdout = TRUE")
                .param("s", segmentId).query(Long.class).single();
    }

    /** Opens a stint for each entering member; the holdout assignment is made here and kept for the stint. */
    public void enter(String segmentId, Collection<String> goldenIds, double holdoutShare, String runId, Instant at) {
        if (goldenIds.isEmpty()) {
            return;
        }
        named.batchUpdate("""
                        INSERT INTO segment_membership (segment_id, golden_id, entered_at, entered_run, holdout)
                        VALUES (:s, :g, :at, :run, :holdout)""",
                goldenIds.stream().map(g -> new MapSqlParameterSource().addValue("s", segmentId).addValue("g", g)
                        .addValue("at", Timestamps.utc(at)).addValue("run", runId)
                        .addValue("holdout", Holdouts.inControlGroup(segmentId, g, holdoutShare))).toArray(MapSqlParameterSource[]::new));
    }

    public void exit(String segmentId, Collection<String> goldenIds, String runId, Instant at) {
        if (goldenIds.isEmpty()) {
            return;
        }
        named.batchUpdate("""
                        UPDATE segment_membership SET exited_at = :at, exited_run = :run
                        WHERE segment_id = :s AND golden_id = :g AND exited_at IS NULL""",
                goldenIds.stream().map(g -> new MapSqlParameterSource().addValue("s", segmentId).addValue("g", g)
                        .addValue("at", Timestamps.utc(at)).addValue("run", runId)).toArray(MapSqlParameterSource[]::new));
    }
}
