package io.segmenthub.connector;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.sync.SegmentPush;
import io.segmenthub.system.HubConfig;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A database destination: keeps {@code (segment_id, golden_id, external_id, updated_at)} rows in
 * the configured table, adding and deleting only what changed, in one transaction per segment.
 * The table name is checked to be a plain identifier at start-up; values are always bound.
 */
@Component
public class JdbcDestination {

    private final HubConfig config;
    private final JdbcConnections connections;
    private final Clock clock;

    public JdbcDestination(HubConfig config, JdbcConnections connections, Clock clock) {
        this.config = config;
        this.connections = connections;
        this.clock = clock;
    }

    public SegmentPush write(SegmentPush push, SyncRun run) {
        var target = config.destination(push.destinationId()).jdbc();
        DataSource ds = connections.get(target.url(), target.username(), target.password());
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        String table = target.table();
        try {
            if (target.createTableOrDefault()) {
                jdbc.execute("CREATE TABLE IF NOT EXISTS " + table + " (segment_id VARCHAR(64) NOT NULL, golden_id VARCHAR(40) NOT NULL, "
                        + "external_id VARCHAR(200), updated_at TIMESTAMP NOT NULL, PRIMARY KEY (segment_id, golden_id))");
            }
            if (push.isEmpty()) {
                return push;
            }
            Timestamp now = Timestamp.valueOf(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            new TransactionTemplate(new DataSourceTransactionManager(ds)).executeWithoutResult(tx -> {
                jdbc.batchUpdate("DELETE FROM " + table + " WHERE segment_id = ? AND golden_id = ?",
                        push.removes().stream().map(r -> new Object[]{push.segmentId(), r.goldenId()}).toList());
                // delete-then-insert is an upsert every database speaks, and makes a retried push idempotent
                jdbc.batchUpdate("DELETE FROM " + table + " WHERE segment_id = ? AND golden_id = ?",
                        push.adds().stream().map(r -> new Object[]{push.segmentId(), r.goldenId()}).toList());
                jdbc.batchUpdate("INSERT INTO " + table + " (segment_id, golden_id, external_id, updated_at) VALUES (?, ?, ?, ?)",
                        push.adds().stream().map(r -> new Object[]{push.segmentId(), r.goldenId(),
                                r.externalId().isEmpty() ? null : r.externalId(), now}).toList());
            });
        } catch (org.springframework.dao.DataAccessException e) {
            throw new ConnectorException("destination '" + push.destinationId() + "': write to table " + table + " failed: "
                    + e.getMostSpecificCause().getMessage(), e);
        }
        return push;
    }
}
