package io.segmenthub.web;

import io.segmenthub.segment.SegmentKpis;
import io.segmenthub.system.CsvCells;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

/** Segment measurement for analysts: KPIs per segment, treated versus holdout. Ids and numbers only, no personal data. */
@RestController
@RequestMapping("/api/segments")
class SegmentController {

    private final SegmentKpis kpis;

    SegmentController(SegmentKpis kpis) {
        this.kpis = kpis;
    }

    @GetMapping("/kpis")
    ResponseEntity<?> kpis(@RequestParam(defaultValue = "30") int windowDays, @RequestParam(defaultValue = "json") String format)
            throws IOException {
        List<SegmentKpis.Report> reports = kpis.report(Math.max(1, Math.min(windowDays, 3650)));
        if (!format.equals("csv")) {
            return ResponseEntity.ok(reports);
        }
        var out = new StringWriter();
        try (var csv = new CSVPrinter(out, CSVFormat.RFC4180)) {
            for (List<String> row : SegmentKpis.csv(reports)) {
                csv.printRecord(row.stream().map(CsvCells::safe).toList());
            }
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv")).body(out.toString());
    }
}
