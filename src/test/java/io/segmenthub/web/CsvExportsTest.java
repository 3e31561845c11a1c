package io.segmenthub.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.segment.SegmentDefinition;
import io.segmenthub.segment.SegmentKpis;
import io.segmenthub.segment.cluster.ClusterStore;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubSettings;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Every CSV the API serves passes its cells through the formula-injection guard: a value a
 * spreadsheet would run ({@code =}, {@code +}, {@code -}, {@code @}, tab, CR first) is written with a
 * leading apostrophe. The values are put where each export reads them from.
 */
class CsvExportsTest {

    static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");
    static final String FORMULA = "=HYPERLINK(\"http://attacker.example\",\"click\")";

    final JdbcDataSource dataSource = new JdbcDataSource();
    final JdbcClient jdbc;

    CsvExportsTest() {
        dataSource.setURL("jdbc:h2:mem:csv-exports-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
    }

    @AfterEach
    void shutDown() {
        jdbc.sql("SHUTDOWN").update();
    }

    static HubConfig config(List<SegmentDefinition> segments) {
        return new HubConfig(Path.of("."), new HubSettings(List.of("email"), "GB", null, null), List.of(), List.of(), List.of(),
                Map.of(), segments);
    }

    static List<CSVRecord> parse(ResponseEntity<?> response) throws IOException {
        assertThat(response.getHeaders().getContentType()).hasToString("text/csv");
        return CSVFormat.RFC4180.parse(new StringReader((String) response.getBody())).getRecords();
    }

    static List<String> cells(List<CSVRecord> records) {
        return records.stream().flatMap(r -> r.stream()).toList();
    }

    static void assertNoCellStartsAFormula(List<CSVRecord> records) {
        assertThat(cells(records)).isNotEmpty().noneMatch(c -> !c.isEmpty() && "=+-@\t\r".indexOf(c.charAt(0)) >= 0);
    }

    @Test
    void auditExportNeutralisesFormulasInEveryColumn() throws IOException {
        var audit = new AuditLog(jdbc, new io.segmenthub.system.BulkInsert(dataSource,
                new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(dataSource)), Clock.fixed(NOW, ZoneOffset.UTC));
        audit.append(new AuditLog.Entry("-run", "@actor", "+ACTION", "\tsubject", FORMULA));
        var controller = new AuditController(audit, null, null, jdbc, new com.fasterxml.jackson.databind.ObjectMapper());

        var response = controller.export("csv", null, null, null);
        var written = new java.io.ByteArrayOutputStream();
        response.getBody().writeTo(written);
        assertThat(response.getHeaders().getContentType()).hasToString("text/csv");
        List<CSVRecord> csv = CSVFormat.RFC4180.parse(new StringReader(written.toString(java.nio.charset.StandardCharsets.UTF_8))).getRecords();

        assertNoCellStartsAFormula(csv);
        assertThat(csv.get(1).toList()).contains("'-run", "'@actor", "'+ACTION", "'\tsubject", "'" + FORMULA);
    }

    @Test
    void segmentMembersExportNeutralisesFormulas() throws IOException {
        jdbc.sql("INSERT INTO segment_membership (segment_id, golden_id, entered_at, entered_run) VALUES ('vip', :g, :at, 'run-1')")
                .param("g", "=1+2").param("at", java.sql.Timestamp.from(NOW)).update();
        var controller = new SegmentCatalogController(config(List.of(new SegmentDefinition("vip", null, "marketing", "true"))), jdbc);

        List<CSVRecord> csv = parse(controller.members("vip", "csv"));

        assertNoCellStartsAFormula(csv);
        assertThat(csv.get(1).get(0)).isEqualTo("'=1+2");
    }

    @Test
    void kpiReportNeutralisesFormulasAndNegativeNumbers() throws IOException {
        var group = new SegmentKpis.Group(10, 2, 1, BigDecimal.ONE);
        var kpis = new SegmentKpis(jdbc, config(List.of())) {
            @Override
            public List<Report> report(int windowDays) {
                return List.of(new Report(FORMULA, windowDays, group, group, Optional.of(-0.25), Optional.of(new double[] {-0.5, 0.1})));
            }
        };
        var controller = new SegmentController(kpis, null, null, config(List.of()));

        List<CSVRecord> csv = parse(controller.kpis(30, "csv"));

        assertNoCellStartsAFormula(csv);
        assertThat(csv.get(1).get(0)).isEqualTo("'" + FORMULA);
        assertThat(csv.get(1).get(8)).as("lift").isEqualTo("'-0.2500");
    }

    @Test
    void clustersExportNeutralisesFormulas() throws IOException {
        var clusters = new ClusterStore(jdbc, null, null) {
            @Override
            public List<Summary> current() {
                return List.of(new Summary("c1", "@run", 3, 1, 2, 3, 4, 5, FORMULA, NOW));
            }
        };
        var controller = new SegmentController(null, null, clusters, config(List.of()));

        List<CSVRecord> csv = parse(controller.clusters("csv"));

        assertNoCellStartsAFormula(csv);
        assertThat(csv.get(1).toList()).contains("'@run", "'" + FORMULA);
    }
}
