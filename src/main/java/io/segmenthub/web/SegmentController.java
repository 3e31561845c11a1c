package io.segmenthub.web;

import io.segmenthub.segment.SegmentHistory;
import io.segmenthub.segment.SegmentKpis;
import io.segmenthub.segment.cluster.ClusterStore;
import io.segmenthub.system.CsvCells;
import io.segmenthub.system.HubConfig;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

/**
 * Segments for analysts: KPIs per segment (treated versus holdout), size history and who moved in
 * a run, and the behaviour clusters. Ids, numbers and words only: golden ids, never personal data.
 */
@RestController
@RequestMapping("/api/segments")
class SegmentController {

    private final SegmentKpis kpis;
    private final SegmentHistory history;
    private final ClusterStore clusters;
    private final HubConfig config;

    SegmentController(SegmentKpis kpis, SegmentHistory history, ClusterStore clusters, HubConfig config) {
        this.kpis = kpis;
        this.history = history;
        this.clusters = clusters;
        this.config = config;
    }

    @GetMapping("/kpis")
    ResponseEntity<?> kpis(@RequestParam(defaultValue = "30") int windowDays, @RequestParam(defaultValue = "json") String format)
            throws IOException {
        List<SegmentKpis.Report> reports = kpis.report(Math.max(1, Math.min(windowDays, 3650)));
        return format.equals("csv") ? csv(SegmentKpis.csv(reports)) : ResponseEntity.ok(reports);
    }

    /** The behaviour clusters behind the current scores, with sizes, member averages and descriptions. */
    @GetMapping("/clusters")
    ResponseEntity<?> clusters(@RequestParam(defaultValue = "json") String format) throws IOException {
        List<ClusterStore.Summary> current = clusters.current();
        return format.equals("csv") ? csv(ClusterStore.csv(current)) : ResponseEntity.ok(current);
    }

    /** A segment's or tag's size per run, oldest first; 404 for an id that is neither configured nor ever evaluated. */
    @GetMapping("/{id}/history")
    ResponseEntity<List<SegmentHistory.RunSize>> history(@PathVariable String id) {
        List<SegmentHistory.RunSize> sizes = history.sizes(id);
        boolean known = config.segmentsById().containsKey(id) || config.tagsById().containsKey(id);
        return sizes.isEmpty() && !known ? ResponseEntity.notFound().build() : ResponseEntity.ok(sizes);
    }

    /** The golden ids that entered and exited the segment or tag in the run; 404 when that run did not evaluate it. */
    @GetMapping("/{id}/history/{runId}/changes")
    ResponseEntity<SegmentHistory.Changes> changes(@PathVariable String id, @PathVariable String runId) {
        return history.changes(id, runId).map(ResponseEntity::ok).orElse(ResponseEntity.notFound().build());
    }

    private static ResponseEntity<?> csv(List<List<String>> rows) throws IOException {
        var out = new StringWriter();
        try (var csv = new CSVPrinter(out, CSVFormat.RFC4180)) {
            for (List<String> row : rows) {
                csv.printRecord(row.stream().map(CsvCells::safe).toList());
            }
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv")).body(out.toString());
    }
}
