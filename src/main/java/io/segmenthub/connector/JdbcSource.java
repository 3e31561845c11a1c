package io.segmenthub.connector;

import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.jdbc.datasource.init.ScriptUtils;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.io.Closeable;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a database connector (an ERP's customers or orders) with the connector's own query,
 * streaming the result set with a fetch size. {@code :watermark} is bound to the last committed
 * cursor; the highest value read becomes the new cursor once the run succeeds. Column labels are
 * lower-cased, because H2 reports them upper-case and PostgreSQL and MariaDB lower-case.
 */
@Component
public class JdbcSource {

    private static final Logger log = LoggerFactory.getLogger(JdbcSource.class);
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "pg_catalog", "mysql",
            "performance_schema", "sys", "pg_toast");

    private final HubConfig config;
    private final JdbcConnections connections;
    private final Watermarks watermarks;

    public JdbcSource(HubConfig config, JdbcConnections connections, Watermarks watermarks) {
        this.config = config;
        this.connections = connections;
        this.watermarks = watermarks;
    }

    public Iterator<SourceBatch> open(SyncRun run, String connectorId) {
        ConnectorConfig connector = config.connector(connectorId);
        JdbcSettings jdbc = connector.jdbc();
        DataSource ds = connections.get(jdbc.url(), jdbc.username(), jdbc.password());
        initialiseIfEmpty(connectorId, ds, jdbc);

        Object watermark = bindableWatermark(jdbc, watermarks.get(connectorId));
        ParsedSql parsed = NamedParameterUtils.parseSqlStatement(jdbc.query());
        var params = new MapSqlParameterSource("watermark", watermark);
        String sql = NamedParameterUtils.substituteNamedParameters(parsed, params);
        Object[] values = NamedParameterUtils.buildValueArray(parsed, params, null);
        try {
            Connection connection = ds.getConnection();
            try {
                connection.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
                connection.setReadOnly(true);
                PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                statement.setFetchSize(jdbc.fetchSizeOrDefault());
                for (int i = 0; i < values.length; i++) {
                    statement.setObject(i + 1, values[i]);
                }
                ResultSet rs = statement.executeQuery();
                var rows = new ResultSetRows(connectorId, connection, statement, rs);
                var mapper = new RecordMapper(connector, config.purposes().keySet(), run.startedAt(), config.tcfConsent());
                var cursor = new Cursor(jdbc);
                return new SourceBatches(connectorId, rows, mapper, connector.batchSizeOrDefault(), cursor::advance, rows);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new ConnectorException("connector '" + connectorId + "': query failed: " + e.getMessage(), e);
        }
    }

    /** Runs the configured seed script when the database holds no tables yet (the quickstart's ERP). */
    private void initialiseIfEmpty(String connectorId, DataSource ds, JdbcSettings jdbc) {
        if (jdbc.initScript() == null || jdbc.initScript().isBlank()) {
            return;
        }
        Path script = Path.of(jdbc.initScript());
        try (Connection connection = ds.getConnection()) {
            boolean empty = true;
            try (ResultSet tables = connection.getMetaData().getTables(null, null, "%", new String[]{"TABLE"})) {
                while (tables.next()) {
                    String schema = tables.getString("TABLE_SCHEM");
                    if (schema == null || !SYSTEM_SCHEMAS.contains(schema.toLowerCase(Locale.ROOT))) {
                        empty = false;
                        break;
                    }
                }
            }
            if (empty) {
                if (!Files.isRegularFile(script)) {
                    throw new ConnectorException("connector '" + connectorId + "': init-script " + script + " does not exist");
                }
                log.info("connector={} database is empty; seeding it from {}", connectorId, script);
                ScriptUtils.executeSqlScript(connection, new FileSystemResource(script));
            }
        } catch (SQLException e) {
            throw new ConnectorException("connector '" + connectorId + "': cannot initialise the database: " + e.getMessage(), e);
        }
    }

    static Object bindableWatermark(JdbcSettings jdbc, Optional<String> committed) {
        return switch (jdbc.watermarkTypeOrDefault()) {
            case TIMESTAMP -> committed.map(LocalDateTime::parse).orElse(LocalDateTime.of(1900, 1, 1, 0, 0));
            case NUMBER -> committed.map(BigDecimal::new).orElse(BigDecimal.valueOf(Long.MIN_VALUE));
        };
    }

    /** Tracks the highest watermark-column value seen. */
    private static final class Cursor {
        private final JdbcSettings jdbc;
        private LocalDateTime maxTime;
        private BigDecimal maxNumber;

        Cursor(JdbcSettings jdbc) {
            this.jdbc = jdbc;
        }

        Optional<String> advance(SourceRow row) {
            if (jdbc.watermarkColumn() == null || row.unreadable().isPresent()) {
                return Optional.empty();
            }
            Object value = row.fields().get(jdbc.watermarkColumn().toLowerCase(Locale.ROOT));
            if (value == null) {
                return Optional.empty();
            }
            if (jdbc.watermarkTypeOrDefault() == JdbcSettings.WatermarkType.NUMBER) {
                BigDecimal n = new BigDecimal(value.toString());
                maxNumber = maxNumber == null || n.compareTo(maxNumber) > 0 ? n : maxNumber;
                return Optional.of(maxNumber.toPlainString());
            }
            LocalDateTime t = value instanceof Timestamp ts ? ts.toLocalDateTime()
                    : value instanceof OffsetDateTime odt ? odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()
                    : value instanceof LocalDateTime ldt ? ldt
                    : LocalDateTime.parse(value.toString().replace(' ', 'T'));
            maxTime = maxTime == null || t.isAfter(maxTime) ? t : maxTime;
            return Optional.of(maxTime.toString());
        }
    }

    /** A forward-only result set as rows; closing it closes the statement and returns the connection. */
    private static final class ResultSetRows implements Iterator<SourceRow>, Closeable {
        private final String connectorId;
        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet rs;
        private final String[] labels;
        private Boolean ready;
        private long number;
        private boolean closed;

        ResultSetRows(String connectorId, Connection connection, PreparedStatement statement, ResultSet rs) throws SQLException {
            this.connectorId = connectorId;
            this.connection = connection;
            this.statement = statement;
            this.rs = rs;
            ResultSetMetaData meta = rs.getMetaData();
            labels = new String[meta.getColumnCount()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = meta.getColumnLabel(i + 1).toLowerCase(Locale.ROOT);
            }
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            if (ready == null) {
                try {
                    ready = rs.next();
                } catch (SQLException e) {
                    throw new ConnectorException("connector '" + connectorId + "': reading rows failed: " + e.getMessage(), e);
                }
            }
            return ready;
        }

        @Override
        public SourceRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = null;
            number++;
            try {
                Map<String, Object> fields = new LinkedHashMap<>();
                for (int i = 0; i < labels.length; i++) {
                    fields.put(labels[i], rs.getObject(i + 1));
                }
                return new SourceRow("row " + number, fields, fields.toString());
            } catch (SQLException e) {
                throw new ConnectorException("connector '" + connectorId + "': reading row " + number + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try (connection; statement; rs) {
                connection.rollback();
            } catch (SQLException e) {
                log.warn("connector={} closing the query failed: {}", connectorId, e.getMessage());
            }
        }
    }
}
