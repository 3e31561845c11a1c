package io.segmenthub.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.segment.SegmentKpis;
import io.segmenthub.segment.cluster.ClusterStore;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.DefaultApplicationArguments;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The CLI's CSV reports pass every cell through the formula-injection guard. */
class CommandLineReportTest {

    static final String FORMULA = "=HYPERLINK(\"http://attacker.example\")";

    @TempDir
    Path dir;

    final SegmentKpis kpis = new SegmentKpis(null, null) {
        @Override
        public List<Report> report(int windowDays) {
            var group = new Group(10, 2, 1, BigDecimal.ONE);
            return List.of(new Report(FORMULA, windowDays, group, group, Optional.of(-0.25), Optional.empty()));
        }
    };

    final ClusterStore clusters = new ClusterStore(null, null, null) {
        @Override
        public List<Summary> current() {
            return List.of(new Summary("c1", "@run", 3, 1, 2, 3, 4, 5, FORMULA, Instant.parse("2026-03-01T08:00:00Z")));
        }
    };

    final CommandLine commandLine = new CommandLine(null, null, null, null, null, kpis, clusters, null,
            new com.fasterxml.jackson.databind.ObjectMapper(), null, null);

    List<CSVRecord> report(String which) throws Exception {
        Path out = dir.resolve(which + ".csv");
        commandLine.run(new DefaultApplicationArguments("report", which, "--out", out.toString()));
        assertThat(commandLine.exitCode()).isZero();
        return CSVFormat.RFC4180.parse(new StringReader(Files.readString(out))).getRecords();
    }

    @Test
    void segmentKpiReportNeutralisesFormulasAndNegativeNumbers() throws Exception {
        List<CSVRecord> csv = report("segments");

        assertThat(csv.get(1).get(0)).isEqualTo("'" + FORMULA);
        assertThat(csv.get(1).get(8)).isEqualTo("'-0.2500");
    }

    @Test
    void clustersReportNeutralisesFormulas() throws Exception {
        List<CSVRecord> csv = report("clusters");

        assertThat(csv.get(1).toList()).contains("'@run", "'" + FORMULA);
    }
}
