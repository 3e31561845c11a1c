package io.segmenthub.web;

import io.segmenthub.system.CsvCells;
import io.segmenthub.system.HubConfig;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Segment and tag definitions with their current sizes, and a segment's or tag's members for analysts: golden ids
 * and scores, never personal data.
 */
@RestController
@RequestMapping("/api/segments")
class SegmentCatalogController {

    private static final List<String> MEMBER_COLUMNS = List.of("golden_id", "holdout", "entered_at", "rfm", "rfm_segment", "value_type",
            "orders", "revenue", "clv", "p_alive");

    private final HubConfig config;
    private final JdbcClient jdbc;

    SegmentCatalogController(HubConfig config, JdbcClient jdbc) {
        this.config = config;
        this.jdbc = jdbc;
    }

    @GetMapping
    List<Map<String, Object>> list() {
        Map<String, long[]> sizes = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT segment_id, COUNT(*), SUM(CASE WHEN holdout THEN 1 ELSE 0 END) FROM segment_membership
                        WHERE exited_at IS NULL GROUP BY segment_id""")
                .query(rs -> {
                    sizes.put(rs.getString(1), new long[]{rs.getLong(2), rs.getLong(3)});
                });
        List<Map<String, Object>> all = new java.util.ArrayList<>();
        config.segments().forEach(s -> all.add(entry(s.id(), "segment", s.description(), s.purpose(), s.rule(),
                s.holdout() == null ? 0.0 : s.holdout(), sizes)));
        config.tags().forEach(t -> all.add(entry(t.id(), "tag", t.description(), t.purpose(), t.rule(), 0.0, sizes)));
        return all;
    }

    private static Map<String, Object> entry(String id, String kind, String description, String purpose, String rule, double holdoutShare,
                                             Map<String, long[]> sizes) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("kind", kind);
        out.put("description", description);
        out.put("purpose", purpose);
        out.put("rule", rule);
        out.put("holdoutShare", holdoutShare);
        long[] size = sizes.getOrDefault(id, new long[2]);
        out.put("size", size[0]);
        out.put("holdoutSize", size[1]);
        return out;
    }

    @GetMapping("/{id}/members")
    ResponseEntity<?> members(@PathVariable String id, @RequestParam(defaultValue = "json") String format) throws IOException {
        if (!config.segmentsById().containsKey(id) && !config.tagsById().containsKey(id)) {
            return ResponseEntity.notFound().build();
        }
        List<List<String>> rows = jdbc.sql("""
                        SELECT m.golden_id, m.holdout, m.entered_at, s.recency, s.frequency, s.monetary, s.rfm_segment, s.value_type,
                               s.orders, s.revenue, s.clv, s.p_alive
                        FROM segment_membership m LEFT JOIN profile_score s ON s.golden_id = m.golden_id
                        WHERE m.segment_id = :s AND m.exited_at IS NULL ORDER BY m.golden_id""")
                .param("s", id)
                .query((rs, n) -> java.util.Arrays.asList(rs.getString(1), String.valueOf(rs.getBoolean(2)),
                        io.segmenthub.system.Timestamps.read(rs, "entered_at").toString(),
                        rs.getObject(4) == null ? "" : "" + rs.getInt(4) + rs.getInt(5) + rs.getInt(6),
                        rs.getString(7), rs.getString(8), rs.getObject(9) == null ? "" : rs.getString(9),
                        rs.getBigDecimal(10) == null ? "" : rs.getBigDecimal(10).toPlainString(),
                        rs.getBigDecimal(11) == null ? "" : rs.getBigDecimal(11).toPlainString(),
                        rs.getObject(12) == null ? "" : String.valueOf(rs.getDouble(12))))
                .list();
        if (format.equals("csv")) {
            var out = new StringWriter();
            try (var csv = new CSVPrinter(out, CSVFormat.RFC4180)) {
                csv.printRecord(MEMBER_COLUMNS);
                for (List<String> row : rows) {
                    csv.printRecord(row.stream().map(v -> v == null ? "" : CsvCells.safe(v)).toList());
                }
            }
            return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv"))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + id + "-members.csv\"").body(out.toString());
        }
        return ResponseEntity.ok(rows.stream().map(row -> {
            Map<String, String> member = new LinkedHashMap<>();
            for (int i = 0; i < MEMBER_COLUMNS.size(); i++) {
                member.put(MEMBER_COLUMNS.get(i), row.get(i));
            }
            return member;
        }).toList());
    }
}
