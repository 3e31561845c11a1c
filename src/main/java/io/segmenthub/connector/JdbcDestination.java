package io.segmenthub.connector;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.sync.PushOutbox;
import io.segmenthub.sync.SegmentPush;
import io.segmenthub.sync.SegmentPusher;
import io.segmenthub.system.HubConfig;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A database destination: keeps {@code (segment_id, golden_id, external_id, updated_at)} rows in
 * the configured table, adding and deleting only what changed, in one transaction per segment.
 * The table name is checked to be a plain identifier at start-up; values are always bound.
 *
 * <p>A row the table refuses (a constraint, a trigger, a value out of range) does not hold back
 * the others: the segment is written again row by row, each row under a savepoint, and the push
 * comes back naming the refused rows, which stay unconfirmed and are planned again next run. A
 * database that cannot be reached fails the whole push (retried, then the run fails).
 */
@Component
public class JdbcDestination {

    private final HubConfig config;
    private final JdbcConnections connections;
    private final Clock clock;
    private final SegmentPusher pusher;

    /** A destination that writes only; {@link #recover} needs the pusher. */
    JdbcDestination(HubConfig config, JdbcConnections connections, Clock clock) {
        this(config, connections, clock, null);
    }

    @org.springframework.beans.factory.annotation.Autowired
    public JdbcDestination(HubConfig config, JdbcConnections connections, Clock clock, SegmentPusher pusher) {
        this.config = config;
        this.connections = connections;
        this.clock = clock;
        this.pusher = pusher;
    }

    public SegmentPush write(SegmentPush push, SyncRun run) {
        var target = config.destination(push.destinationId()).jdbc();
        DataSource ds = connections.get(target.url(), target.username(), target.password());
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        String table = target.table();
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        try {
            ensureTable(jdbc, target);
            if (push.isEmpty()) {
                return push;
            }
            Timestamp now = Timestamp.valueOf(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            try {
                tx.executeWithoutResult(status -> {
                    jdbc.batchUpdate("DELETE FROM " + table + " WHERE segment_id = ? AND golden_id = ?",
                            push.removes().stream().map(r -> new Object[]{push.segmentId(), r.goldenId()}).toList());
                    // delete-then-insert is an upsert every database speaks, and makes a retried push idempotent
                    jdbc.batchUpdate("DELETE FROM " + table + " WHERE segment_id = ? AND golden_id = ?",
                            push.adds().stream().map(r -> new Object[]{push.segmentId(), r.goldenId()}).toList());
                    jdbc.batchUpdate("INSERT INTO " + table + " (segment_id, golden_id, external_id, updated_at) VALUES (?, ?, ?, ?)",
                            push.adds().stream().map(r -> new Object[]{push.segmentId(), r.goldenId(),
                                    r.externalId().isEmpty() ? null : r.externalId(), now}).toList());
                });
                return push;
            } catch (DataAccessException e) {
                if (!refusedRow(e)) {
                    throw e;
                }
            }
            Map<String, String> refused = new LinkedHashMap<>();
            tx.executeWithoutResult(status -> {
                for (SegmentPush.Row r : push.removes()) {
                    row(status, refused, r, table, () -> jdbc.update("DELETE FROM " + table + " WHERE segment_id = ? AND golden_id = ?",
                            push.segmentId(), r.goldenId()));
                }
                for (SegmentPush.Row r : push.adds()) {
                    row(status, refused, r, table, () -> {
                        jdbc.update("DELETE FROM " + table + " WHERE segment_id = ? AND golden_id = ?", push.segmentId(), r.goldenId());
                        jdbc.update("INSERT INTO " + table + " (segment_id, golden_id, external_id, updated_at) VALUES (?, ?, ?, ?)",
                                push.segmentId(), r.goldenId(), r.externalId().isEmpty() ? null : r.externalId(), now);
                    });
                }
            });
            return push.rejecting(refused);
        } catch (DataAccessException e) {
            throw new ConnectorException("destination '" + push.destinationId() + "': write to table " + table + " failed: "
                    + firstLine(e), e);
        }
    }

    /**
     * Confirms what an interrupted run delivered: the table is the truth, so an add arrived when
     * its row is there and a remove when it is gone.
     */
    public SyncRun recover(SyncRun run, String destinationId) {
        List<PushOutbox.Pending> pending = pusher.unconfirmed(destinationId);
        if (pending.isEmpty()) {
            return run;
        }
        var target = config.destination(destinationId).jdbc();
        JdbcTemplate jdbc = new JdbcTemplate(connections.get(target.url(), target.username(), target.password()));
        // a run stopped before its first write to a table the hub creates: the table is not there yet, nothing arrived
        try {
            ensureTable(jdbc, target);
        } catch (DataAccessException e) {
            throw new ConnectorException("destination '" + destinationId + "': cannot create table " + target.table()
                    + " to confirm an interrupted push: " + firstLine(e), e);
        }
        for (PushOutbox.Pending p : pending) {
            Set<String> present;
            try {
                present = new HashSet<>(jdbc.queryForList("SELECT golden_id FROM " + target.table() + " WHERE segment_id = ?",
                        String.class, p.push().segmentId()));
            } catch (DataAccessException e) {
                throw new ConnectorException("destination '" + destinationId + "': cannot read table " + target.table()
                        + " to confirm an interrupted push: " + firstLine(e), e);
            }
            Set<String> delivered = new HashSet<>();
            p.push().adds().stream().filter(r -> present.contains(r.goldenId())).forEach(r -> delivered.add(r.goldenId()));
            p.push().removes().stream().filter(r -> !present.contains(r.goldenId())).forEach(r -> delivered.add(r.goldenId()));
            pusher.recover(p, delivered, run);
        }
        return run;
    }

    /** Creates the members table when the destination says the hub owns it ({@code create-table}). */
    private static void ensureTable(JdbcTemplate jdbc, DestinationConfig.JdbcTarget target) {
        if (target.createTableOrDefault()) {
            jdbc.execute("CREATE TABLE IF NOT EXISTS " + target.table() + " (segment_id VARCHAR(64) NOT NULL, golden_id VARCHAR(40) NOT NULL, "
                    + "external_id VARCHAR(200), updated_at TIMESTAMP NOT NULL, PRIMARY KEY (segment_id, golden_id))");
        }
    }

    private interface Write {
        void run();
    }

    private static void row(TransactionStatus status, Map<String, String> refused, SegmentPush.Row r, String table, Write write) {
        Object savepoint = status.createSavepoint();
        try {
            write.run();
            status.releaseSavepoint(savepoint);
        } catch (DataAccessException e) {
            if (!refusedRow(e)) {
                throw e;
            }
            status.rollbackToSavepoint(savepoint);
            refused.put(r.goldenId(), "refused by table " + table + ": " + firstLine(e));
        }
    }

    /**
     * A refusal of the data (SQLSTATE class 22 data exception, 23 integrity constraint, 44 check
     * option, P0 raised by a trigger), as opposed to a database that is away or a statement that
     * cannot run at all: those fail the push.
     */
    static boolean refusedRow(DataAccessException e) {
        if (e instanceof DataIntegrityViolationException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("44") || state.startsWith("P0");
            }
        }
        return false;
    }

    /** The database's own message, first line only: PostgreSQL puts the failing row's values on the next ones. */
    private static String firstLine(DataAccessException e) {
        String message = String.valueOf(e.getMostSpecificCause().getMessage());
        int cut = message.indexOf('\n');
        message = cut < 0 ? message : message.substring(0, cut);
        int sql = message.indexOf("; SQL statement");
        message = sql < 0 ? message : message.substring(0, sql);
        return message.length() > 160 ? message.substring(0, 160) : message.strip();
    }
}
