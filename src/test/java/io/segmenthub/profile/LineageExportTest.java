package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

class LineageExportTest {

    @TempDir
    Path dir;

    final JdbcDataSource dataSource = new JdbcDataSource();
    final JdbcClient jdbc;

    LineageExportTest() {
        dataSource.setURL("jdbc:h2:mem:lineage-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
    }

    @AfterEach
    void shutDown() {
        jdbc.sql("SHUTDOWN").update();
    }

    void sourceRecord(String system, String recordId, String goldenId) {
        jdbc.sql("""
                        INSERT INTO source_record (system, record_id, connector_id, source_updated_at, ingested_at, run_id,
                                                   attributes, present, invalid, content_hash)
                        VALUES (:system, :record, 'crm', :at, :at, 'run-1', '{}', '', '', 'hash')""")
                .param("system", system).param("record", recordId)
                .param("at", Timestamp.from(Instant.parse("2026-03-01T08:00:00Z"))).update();
        if (goldenId != null) {
            jdbc.sql("INSERT INTO record_golden (source_record_id, golden_id) SELECT id, :golden FROM source_record WHERE system = :system AND record_id = :record")
                    .param("system", system).param("record", recordId).param("golden", goldenId).update();
        }
    }

    @Test
    void everyCellASpreadsheetWouldRunAsAFormulaIsNeutralised() throws Exception {
        // a source's record ids are the source's to choose, so a CRM can hand us one that reads as a formula
        sourceRecord("crm", "=HYPERLINK(\"http://attacker.example\")", "G-1");
        sourceRecord("+erp", "-1", "@G-2");
        sourceRecord("web", "U1", "G-3");
        Path file = dir.resolve("lineage.csv");

        long rows = new LineageExport(new SourceRecordStore(jdbc, new NamedParameterJdbcTemplate(dataSource),
                new io.segmenthub.system.BulkInsert(dataSource, new NamedParameterJdbcTemplate(dataSource)))).write(file);

        List<CSVRecord> csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(Files.newBufferedReader(file, StandardCharsets.UTF_8)).getRecords();
        assertThat(rows).isEqualTo(3);
        assertThat(csv).extracting(CSVRecord::toList).containsExactly(
                List.of("'+erp", "'-1", "'@G-2"),
                List.of("crm", "'=HYPERLINK(\"http://attacker.example\")", "G-1"),
                List.of("web", "U1", "G-3"));
    }
}
