package io.segmenthub.connector;

import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Per-connector cursors (a file's digest, the highest value of a watermark column). A run only
 * commits them after it persisted everything it pulled, so a failed run re-reads the same data.
 */
@Repository
public class Watermarks {

    private final JdbcClient jdbc;
    private final Clock clock;

    public Watermarks(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<String> get(String connectorId) {
        return jdbc.sql("SELECT position FROM watermark WHERE connector_id = :id").param("id", connectorId)
                .query(String.class).optional();
    }

    public void commit(Map<String, String> values, String runId) {
        values.forEach((connectorId, value) -> {
            int updated = jdbc.sql("UPDATE watermark SET position = :value, run_id = :run, updated_at = :at WHERE connector_id = :id")
                    .param("value", value).param("run", runId).param("at", Timestamps.utc(clock.instant())).param("id", connectorId)
                    .update();
            if (updated == 0) {
                jdbc.sql("INSERT INTO watermark (connector_id, position, run_id, updated_at) VALUES (:id, :value, :run, :at)")
                        .param("value", value).param("run", runId).param("at", Timestamps.utc(clock.instant())).param("id", connectorId)
                        .update();
            }
        });
    }

    public Map<String, String> all() {
        return jdbc.sql("SELECT connector_id, position FROM watermark").query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2)))
                .list().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
