package io.segmenthub.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
    private final ObjectMapper json;

    AuditController(AuditLog audit, AuditCheckpoints checkpoints, SubjectIdentifiers identifiers, JdbcClient jdbc, ObjectMapper json) {
        this.audit = audit;
        this.checkpoints = checkpoints;
        this.identifiers = identifiers;
        this.jdbc = jdbc;
        this.json = json;
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
    ResponseEntity<StreamingResponseBody> export(@RequestParam(defaultValue = "json") String format,
                                                 @RequestParam(required = false) String from,
                                                 @RequestParam(required = false) String to,
                                                 @RequestParam(required = false) String action) {
        Instant start = from == null ? Instant.EPOCH : Instant.parse(from);
        Instant end = to == null ? Instant.parse("9999-12-31T00:00:00Z") : Instant.parse(to);
        Optional<String> only = Optional.ofNullable(action);
        // written as it is read, a page of entries at a time: the whole log of a large hub need not fit in memory
        if (!format.equals("csv")) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out -> {
                try (JsonGenerator array = json.getFactory().createGenerator(out)) {
                    array.writeStartArray();
                    audit.between(start, end, only, row -> write(array, row));
                    array.writeEndArray();
                }
            });
        }
        String[] header = {"id", "at", "runId", "actor", "action", "subject", "detail", "prevHash", "hash"};
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("text/csv"))
                .header("Content-Disposition", "attachment; filename=audit-log.csv")
                .body(out -> {
                    var writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    try (var csv = new CSVPrinter(writer, CSVFormat.RFC4180.builder().setHeader(header).get())) {
                        audit.between(start, end, only, row -> {
                            List<String> cells = new ArrayList<>();
                            for (String column : header) {
                                cells.add(CsvCells.safe(row.get(column) == null ? "" : row.get(column).toString()));
                            }
                            print(csv, cells);
                        });
                    }
                });
    }

    private static void write(JsonGenerator json, Map<String, Object> row) {
        try {
            json.writeObject(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void print(CSVPrinter csv, List<String> cells) {
        try {
            csv.printRecord(cells);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
