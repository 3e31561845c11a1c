package io.segmenthub.profile;

import io.segmenthub.system.CsvCells;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes lineage as CSV {@code source_system,source_record_id,golden_id}: one row per source
 * record in the store (golden id empty for records with no identity, such as anonymous visitors).
 * Ids only, no personal data, so it is safe to hand to analysts.
 */
@Component
public class LineageExport {

    private final SourceRecordStore records;

    public LineageExport(SourceRecordStore records) {
        this.records = records;
    }

    public long write(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        long[] rows = {0};
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                     .setHeader("source_system", "source_record_id", "golden_id").get())) {
            records.forEachLineage((system, recordId, goldenId) -> {
                try {
                    csv.printRecord(CsvCells.safe(system), CsvCells.safe(recordId), CsvCells.safe(goldenId));
                    rows[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return rows[0];
    }
}
