package io.segmenthub.connector;

import io.segmenthub.system.HubConfig;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.stereotype.Component;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks that a connector or destination can be reached, step by step, and names the step that
 * fails: for a database {@code connect} (host, port, network), {@code auth} (user, password),
 * {@code permission} and {@code schema} (the query's tables and the mapped columns); for a file
 * source {@code path}, {@code read} and {@code schema} (a CSV header holding the mapped columns).
 * Nothing is written and no records are kept; error texts come from drivers and never carry row data.
 */
@Component
public class ConnectionTest {

    public record Step(String name, boolean ok, String detail) {
    }

    public record Result(String id, boolean ok, List<Step> steps) {
        public Optional<Step> failed() {
            return steps.stream().filter(s -> !s.ok()).findFirst();
        }
    }

    private static final int LOGIN_TIMEOUT_SECONDS = 10;

    private final HubConfig config;
    private final Watermarks watermarks;
    private final org.apache.camel.CamelContext camel;
    private final io.segmenthub.connector.http.HttpConnectionTest http;

    public ConnectionTest(HubConfig config, Watermarks watermarks, org.apache.camel.CamelContext camel,
                          io.segmenthub.connector.http.HttpConnectionTest http) {
        this.config = config;
        this.watermarks = watermarks;
        this.camel = camel;
        this.http = http;
    }

    /** Tests the connector or destination with this id; empty when there is neither. */
    public Optional<Result> test(String id) {
        var connector = config.connectors().stream().filter(c -> c.id().equals(id)).findFirst();
        if (connector.isPresent()) {
            List<Step> steps = new ArrayList<>();
            ConnectorConfig c = connector.get();
            if (c.jdbc() != null) {
                JdbcSettings jdbc = c.jdbc();
                ParsedSql parsed = NamedParameterUtils.parseSqlStatement(jdbc.query());
                var params = new MapSqlParameterSource("watermark", JdbcSource.bindableWatermark(jdbc, watermarks.get(id)));
                database(jdbc.url(), jdbc.username(), jdbc.password(), NamedParameterUtils.substituteNamedParameters(parsed, params),
                        NamedParameterUtils.buildValueArray(parsed, params, null), mappedColumns(c.mapping()), steps);
            } else if (c.file() != null) {
                file(c.file(), c.mapping(), steps);
            } else if (c.salesforce() != null) {
                io.segmenthub.connector.salesforce.SalesforceConnectionTest.run(camel, c, Optional.empty(), steps);
            } else if (c.http() != null) {
                steps.addAll(http.test(c));
            }
            return Optional.of(new Result(id, steps.stream().allMatch(Step::ok), steps));
        }
        return config.destinations().stream().filter(d -> d.id().equals(id)).findFirst().map(d -> {
            List<Step> steps = new ArrayList<>();
            if (d.salesforce() != null) {
                io.segmenthub.connector.salesforce.SalesforceConnectionTest.run(camel, config.connector(d.salesforce().connector()),
                        Optional.ofNullable(d.salesforce().field()), steps);
            } else if (d.jdbc() != null) {
                database(d.jdbc().url(), d.jdbc().username(), d.jdbc().password(), null, new Object[0], Set.of(), steps);
            } else if (d.http() != null) {
                steps.addAll(http.test(d));
            } else if (d.file() != null) {
                Path dir = Path.of(d.file().dir());
                Path existing = dir;
                while (existing != null && !Files.exists(existing)) {
                    existing = existing.getParent();
                }
                boolean writable = existing != null && Files.isDirectory(existing) && Files.isWritable(existing);
                steps.add(new Step("path", writable, writable ? dir + (Files.exists(dir) ? " exists" : " will be created")
                        : "no writable folder at or above " + dir));
            }
            return new Result(id, steps.stream().allMatch(Step::ok), steps);
        });
    }

    private void database(String url, String user, String password, String sql, Object[] values, Set<String> columns, List<Step> steps) {
        DriverManager.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
            steps.add(new Step("connect", true, connection.getMetaData().getDatabaseProductName() + " "
                    + connection.getMetaData().getDatabaseProductVersion()));
            steps.add(new Step("auth", true, "signed in as " + (user == null || user.isBlank() ? "(no user)" : user)));
            if (sql == null) {
                return;
            }
            connection.setReadOnly(true);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setMaxRows(1);
                for (int i = 0; i < values.length; i++) {
                    statement.setObject(i + 1, values[i]);
                }
                try (ResultSet rs = statement.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    Set<String> present = new HashSet<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        present.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
                    }
                    List<String> missing = columns.stream().filter(col -> !present.contains(col.toLowerCase(Locale.ROOT))).sorted().toList();
                    steps.add(new Step("permission", true, "the query runs"));
                    steps.add(new Step("schema", missing.isEmpty(), missing.isEmpty()
                            ? "the query returns every mapped column (" + columns.size() + ")"
                            : "the query does not return the mapped columns " + missing));
                }
            }
        } catch (SQLException e) {
            steps.add(new Step(step(e, steps), false, e.getMessage()));
        }
    }

    /** Which step a driver's failure belongs to, from its SQLState class (and the network cause). */
    private static String step(SQLException e, List<Step> done) {
        if (done.isEmpty()) {
            String state = Optional.ofNullable(e.getSQLState()).orElse("");
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UnknownHostException) {
                    return "dns";
                }
            }
            return state.startsWith("28") || e.getErrorCode() == 28000 || e.getErrorCode() == 1045 ? "auth" : "connect";
        }
        String state = Optional.ofNullable(e.getSQLState()).orElse("");
        return state.equals("42501") || state.equals("42000") && e.getErrorCode() == 1142 ? "permission" : "schema";
    }

    private static void file(FileSettings settings, io.segmenthub.connector.RecordMapping mapping, List<Step> steps) {
        Path path = Path.of(settings.path());
        if (!Files.exists(path)) {
            steps.add(new Step("path", false, path + " does not exist"));
            return;
        }
        steps.add(new Step("path", true, path + (Files.isDirectory(path) ? " is a drop folder" : " is a file")));
        Path first;
        try {
            if (Files.isDirectory(path)) {
                var matcher = FileSystems.getDefault().getPathMatcher("glob:" + settings.patternOrDefault());
                try (Stream<Path> listing = Files.list(path)) {
                    List<Path> files = listing.filter(p -> matcher.matches(p.getFileName())).sorted().toList();
                    steps.add(new Step("read", Files.isReadable(path), files.size() + " file(s) waiting"));
                    first = files.isEmpty() ? null : files.get(0);
                }
            } else {
                steps.add(new Step("read", Files.isReadable(path), Files.isReadable(path) ? Files.size(path) + " bytes" : "not readable"));
                first = path;
            }
        } catch (IOException e) {
            steps.add(new Step("read", false, e.getMessage()));
            return;
        }
        if (first != null && settings.format() == FileFormat.CSV) {
            try (BufferedReader reader = Files.newBufferedReader(first, StandardCharsets.UTF_8)) {
                String header = Optional.ofNullable(reader.readLine()).orElse("").replace("\uFEFF", "");
                Set<String> present = new HashSet<>();
                for (String column : header.split(",")) {
                    present.add(column.strip().replace("\"", "").toLowerCase(Locale.ROOT));
                }
                List<String> missing = mappedColumns(mapping).stream().filter(c -> !c.contains(".") && !present.contains(c.toLowerCase(Locale.ROOT)))
                        .sorted().toList();
                steps.add(new Step("schema", missing.isEmpty(), missing.isEmpty() ? "the header holds every mapped column"
                        : "the header lacks the mapped columns " + missing));
            } catch (IOException e) {
                steps.add(new Step("schema", false, e.getMessage()));
            }
        }
    }

    /** Every source field the mapping reads, dotted names included. */
    public static Set<String> mappedFields(RecordMapping m) {
        Set<String> fields = new HashSet<>();
        Stream.of(m.id(), m.updatedAt(), m.tcfString()).filter(f -> f != null && !f.isBlank()).forEach(fields::add);
        fields.addAll(m.identity().values());
        fields.addAll(m.consent().values());
        fields.addAll(m.metrics().values());
        if (m.event() != null) {
            Stream.of(m.event().id(), m.event().type(), m.event().at()).forEach(fields::add);
        }
        return fields;
    }

    /** The top-level source fields the mapping reads. */
    static Set<String> mappedColumns(RecordMapping m) {
        Set<String> columns = new HashSet<>();
        Stream.of(m.id(), m.updatedAt(), m.tcfString()).filter(f -> f != null && !f.isBlank()).forEach(columns::add);
        columns.addAll(m.identity().values());
        columns.addAll(m.consent().values());
        columns.addAll(m.metrics().values());
        if (m.transaction() != null) {
            Stream.of(m.transaction().id(), m.transaction().date(), m.transaction().amount(), m.transaction().currency())
                    .filter(f -> f != null).forEach(columns::add);
        }
        if (m.event() != null) {
            Stream.of(m.event().id(), m.event().type(), m.event().at()).forEach(columns::add);
        }
        columns.removeIf(c -> c.contains("."));
        return columns;
    }
}
