package io.segmenthub.web;

import io.segmenthub.audit.AuditCheckpoints;
import io.segmenthub.audit.AuditLog;
import io.segmenthub.subject.SubjectIdentifiers;
import io.segmenthub.system.CsvCells;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The audit log for compliance officers: verify the hash chain, and find what happened to one person. */
@RestController
@RequestMapping("/api/audit")
class AuditController {

    private final AuditLog audit;
    private final AuditCheckpoints checkpoints;
    private final SubjectIdentifiers identifiers;
    private final JdbcClient jdbc;

    AuditController(AuditLog audit, AuditCheckpoints checkpoints, SubjectIdentifiers identifiers, JdbcClient jdbc) {
        this.audit = audit;
        this.checkpoints = checkpoints;
        this.identifiers = identifiers;
        this.jdbc = jdbc;
    }

    @GetMapping("/verify")
    Map<String, Object> verify() {
        var result = checkpoints.verify();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("intact", result.intact());
        out.put("entries", result.entries());
        out.put("checkpoints", result.checkpoints());
        out.put("firstBrokenEntry", result.firstBrokenEntry().orElse(null));
        out.put("problem", result.problem().orElse(null));
        return out;
    }

    /**
     * The log for a regulator, as JSON or CSV ({@code format=csv}), optionally limited to a time
     * window ({@code from}, {@code to}: ISO-8601 instants) and one action. Each row carries its
     * hashes, so the export can be checked on its own.
     */
    @GetMapping("/export")
    ResponseEntity<?> export(@org.springframework.web.bind.annotation.RequestParam(defaultValue = "json") String format,
                                                       @org.springframework.web.bind.annotation.RequestParam(required = false) String from,
                                                       @org.springframework.web.bind.annotation.RequestParam(required = false) String to,
                                                       @org.springframework.web.bind.annotation.RequestParam(required = false) String action) throws IOException {
        List<Map<String, Object>> rows = audit.between(from == null ? Instant.EPOCH : Instant.parse(from),
                to == null ? Instant.parse("9999-12-31T00:00:00Z") : Instant.parse(to), Optional.ofNullable(action));
        if (!format.equals("csv")) {
            return ResponseEntity.ok(rows);
        }
        var out = new java.io.StringWriter();
        String[] header = {"id", "at", "runId", "actor", "action", "subject", "detail", "prevHash", "hash"};
        try (var csv = new org.apache.commons.csv.CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header).get())) {
            for (Map<String, Object> row : rows) {
                List<String> cells = new ArrayList<>();
                for (String column : header) {
                    cells.add(CsvCells.safe(row.get(column) == null ? "" : row.get(column).toString()));
                }
                csv.printRecord(cells);
            }
        }
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("text/csv"))
                .header("Content-Disposition", "attachment; filename=audit-log.csv")
                .body(out.toString());
    }

    @PostMapping("/checkpoints")
    AuditCheckpoints.Checkpoint checkpoint() {
        return checkpoints.sign("on demand (api)");
    }

    /** Entries about the person: consent events by their identifiers, pushes and erasures by their golden profiles. */
    @PostMapping("/search")
    List<Map<String, Object>> search(@RequestBody SubjectRef ref) {
        List<String> subjects = new ArrayList<>(identifiers.all(Optional.ofNullable(ref.email()), Optional.ofNullable(ref.phone())));
        subjects.addAll(jdbc.sql("""
                        SELECT DISTINCT g.golden_id FROM record_index i JOIN record_golden g ON g.source_record_id = i.source_record_id
                        WHERE i.hashed IN (:s)""")
                .param("s", List.copyOf(subjects)).query(String.class).list());
        return audit.about(subjects);
    }
}
