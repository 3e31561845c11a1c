package io.segmenthub.subject;

import io.segmenthub.sync.SegmentPush;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Proof, per destination, that an erased person was removed there (GDPR Art. 19: the controller
 * tells each recipient about an erasure). Written when a destination confirms a push whose
 * removals include erased profiles.
 */
@Repository
public class ErasureReceipts {

    public record Receipt(String requestId, String destinationId, String segmentId, String goldenId, Instant removedAt) {
    }

    private final JdbcClient jdbc;

    public ErasureReceipts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(SegmentPush push, String runId, Instant at) {
        if (push.removes().isEmpty()) {
            return;
        }
        Map<String, String> erased = new java.util.HashMap<>();
        jdbc.sql("SELECT golden_id, erasure_request FROM golden_profile WHERE erased_at IS NOT NULL AND golden_id IN (:ids)")
                .param("ids", push.removes().stream().map(SegmentPush.Row::goldenId).toList())
                .query(rs -> {
                    erased.put(rs.getString(1), rs.getString(2));
                });
        erased.forEach((golden, request) -> jdbc.sql("""
                        INSERT INTO erasure_receipt (request_id, destination_id, segment_id, golden_id, removed_at, run_id)
                        VALUES (:request, :destination, :segment, :golden, :at, :run)""")
                .param("request", request).param("destination", push.destinationId()).param("segment", push.segmentId())
                .param("golden", golden).param("at", Timestamps.utc(at)).param("run", runId).update());
    }

    public List<Receipt> forRequest(String requestId) {
        return jdbc.sql("""
                        SELECT request_id, destination_id, segment_id, golden_id, removed_at FROM erasure_receipt
                        WHERE request_id = :r ORDER BY destination_id, segment_id""")
                .param("r", requestId)
                .query((rs, n) -> new Receipt(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Timestamps.read(rs, "removed_at")))
                .list();
    }
}
