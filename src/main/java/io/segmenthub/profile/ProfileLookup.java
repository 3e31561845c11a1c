package io.segmenthub.profile;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.subject.SubjectIdentifiers;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds golden profiles by e-mail, phone (through their blind indexes) or golden id, and shows
 * them masked; revealing the personal data is a separate, audited call. Every lookup by identifier
 * and every reveal is in the audit log with who asked.
 */
@Component
public class ProfileLookup {

    /** One profile as the console and API show it. */
    public record View(String goldenId, boolean masked, Map<String, String> attributes, List<Map<String, String>> sources,
                       Map<String, Object> scores, List<String> segments) {
    }

    private final JdbcClient jdbc;
    private final SubjectIdentifiers identifiers;
    private final GoldenValues values;
    private final AuditLog audit;
    private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

    public ProfileLookup(JdbcClient jdbc, SubjectIdentifiers identifiers, GoldenValues values, AuditLog audit) {
        this.jdbc = jdbc;
        this.identifiers = identifiers;
        this.values = values;
        this.audit = audit;
    }

    /** Masked views of every active profile holding the e-mail or phone, or of the golden id given. */
    public List<View> search(Optional<String> email, Optional<String> phone, Optional<String> goldenId, String actor) {
        List<String> goldens;
        if (goldenId.filter(g -> !g.isBlank()).isPresent()) {
            goldens = current(goldenId.get().strip()).map(List::of).orElse(List.of());
        } else {
            List<String> subjects = identifiers.all(email, phone);
            goldens = jdbc.sql("""
                            SELECT DISTINCT rg.golden_id FROM record_index i JOIN record_golden rg ON rg.source_record_id = i.source_record_id
                            JOIN golden_profile g ON g.golden_id = rg.golden_id
                            WHERE i.hashed IN (:subjects) AND g.merged_into IS NULL AND g.erased_at IS NULL ORDER BY rg.golden_id""")
                    .param("subjects", subjects).query(String.class).list();
            audit.append(List.of(new AuditLog.Entry(null, actor, "PROFILE_SEARCH", subjects.get(0),
                    "by " + (email.filter(e -> !e.isBlank()).isPresent() ? "email" : "phone") + ", masked, found=" + goldens.size())));
        }
        return goldens.stream().map(g -> view(g, false)).toList();
    }

    /** The masked profile; an id merged into another profile resolves to the survivor. */
    public Optional<View> masked(String goldenId) {
        return current(goldenId).map(g -> view(g, false));
    }

    /** The profile with its personal data in plain text; the reveal is audited before anything is returned. */
    public Optional<View> reveal(String requestedId, String actor, String reason) {
        Optional<String> survivor = current(requestedId);
        if (survivor.isEmpty()) {
            return Optional.empty();
        }
        String goldenId = survivor.get();
        View view = view(goldenId, true);
        audit.append(List.of(new AuditLog.Entry(null, actor, "PII_REVEAL", goldenId,
                "attributes=" + String.join(",", view.attributes().keySet()) + " reason=" + reason)));
        return Optional.of(view);
    }

    /**
     * Why the profile holds the records it holds, without personal data: which records share which
     * kind of blind-indexed identifier, the probabilistic links that joined records (per comparison
     * the level and weight, the total match weight and probability), the merges and splits with their
     * evidence, and which record each surviving attribute came from under which survivorship rule.
     * An alias (a profile merged into another) explains the survivor.
     */
    public Optional<Map<String, Object>> explain(String requestedId) {
        Optional<String> survivor = current(requestedId);
        if (survivor.isEmpty()) {
            return Optional.empty();
        }
        String goldenId = survivor.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("goldenId", goldenId);
        if (!goldenId.equals(requestedId)) {
            out.put("requestedId", requestedId); // an alias: the profile it was merged into answers
        }
        out.put("aliases", jdbc.sql("SELECT golden_id FROM golden_profile WHERE merged_into = :g ORDER BY golden_id")
                .param("g", goldenId).query(String.class).list());
        out.put("links", jdbc.sql("""
                        SELECT ra.system, ra.record_id, rb.system, rb.record_id, a.kind
                        FROM source_record ra JOIN record_golden ga ON ga.source_record_id = ra.id
                        JOIN record_index a ON a.source_record_id = ra.id
                        JOIN record_index b ON b.kind = a.kind AND b.hashed = a.hashed AND b.source_record_id > a.source_record_id
                        JOIN source_record rb ON rb.id = b.source_record_id JOIN record_golden gb ON gb.source_record_id = rb.id
                        WHERE ga.golden_id = :g AND gb.golden_id = :g AND a.kind IN ('email', 'phone')
                        ORDER BY ra.system, ra.record_id, rb.system, rb.record_id, a.kind""")
                .param("g", goldenId)
                .query((rs, n) -> Map.of("from", rs.getString(1) + "/" + rs.getString(2), "to", rs.getString(3) + "/" + rs.getString(4),
                        "shared", rs.getString(5)))
                .list());
        out.put("matches", jdbc.sql("""
                        SELECT ra.system, ra.record_id, rb.system, rb.record_id, l.match_weight, l.match_probability, l.evidence, l.run_id
                        FROM match_link l JOIN source_record ra ON ra.id = l.left_record_id
                        JOIN source_record rb ON rb.id = l.right_record_id
                        JOIN record_golden ga ON ga.source_record_id = ra.id JOIN record_golden gb ON gb.source_record_id = rb.id
                        WHERE ga.golden_id = :g AND gb.golden_id = :g
                        ORDER BY l.match_weight DESC, ra.system, ra.record_id, rb.system, rb.record_id""")
                .param("g", goldenId)
                .query((rs, n) -> {
                    Map<String, Object> match = new LinkedHashMap<>();
                    match.put("from", rs.getString(1) + "/" + rs.getString(2));
                    match.put("to", rs.getString(3) + "/" + rs.getString(4));
                    double weight = rs.getDouble(5);
                    match.put("matchWeight", Double.isInfinite(weight) ? null : Math.round(weight * 100) / 100.0);
                    match.put("matchProbability", rs.getDouble(6));
                    match.put("evidence", evidence(rs.getString(7)));
                    match.put("runId", rs.getString(8));
                    return match;
                }).list());
        out.put("changes", jdbc.sql("""
                        SELECT kind, golden_id, other_id, evidence, at, run_id FROM profile_change
                        WHERE golden_id = :g OR other_id = :g ORDER BY id""")
                .param("g", goldenId)
                .query((rs, n) -> {
                    Map<String, Object> change = new LinkedHashMap<>();
                    change.put("kind", rs.getString(1));
                    change.put("goldenId", rs.getString(2));
                    change.put("otherId", rs.getString(3));
                    change.put("evidence", rs.getString(4));
                    change.put("at", io.segmenthub.system.Timestamps.read(rs, "at").toString());
                    change.put("runId", rs.getString(6));
                    return change;
                }).list());
        out.put("survivorship", jdbc.sql("""
                        SELECT a.attribute, r.system, r.record_id, a.rule FROM golden_attribute a
                        JOIN source_record r ON r.id = a.source_record_id WHERE a.golden_id = :g ORDER BY a.attribute""")
                .param("g", goldenId)
                .query((rs, n) -> Map.of("attribute", rs.getString(1), "from", rs.getString(2) + "/" + rs.getString(3), "rule", rs.getString(4)))
                .list());
        return Optional.of(out);
    }

    private Object evidence(String stored) {
        try {
            return json.readTree(stored);
        } catch (java.io.IOException e) {
            return stored;
        }
    }

    /** The active profile an id names: itself, or the survivor it was merged into. */
    private Optional<String> current(String goldenId) {
        return jdbc.sql("SELECT golden_id, merged_into FROM golden_profile WHERE golden_id = :g")
                .param("g", goldenId)
                .query((rs, n) -> Optional.ofNullable(rs.getString(2)).orElse(rs.getString(1))).optional()
                .filter(this::exists);
    }

    private boolean exists(String goldenId) {
        return jdbc.sql("SELECT COUNT(*) FROM golden_profile WHERE golden_id = :g AND merged_into IS NULL AND erased_at IS NULL")
                .param("g", goldenId).query(Long.class).single() > 0;
    }

    private View view(String goldenId, boolean reveal) {
        Map<String, String> attributes = new LinkedHashMap<>();
        values.all(goldenId).forEach((attribute, value) -> attributes.put(attribute.key(), reveal ? value : Masks.mask(attribute, value)));
        List<Map<String, String>> sources = jdbc.sql("""
                        SELECT r.system, r.record_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id
                        WHERE g.golden_id = :g ORDER BY r.system, r.record_id""")
                .param("g", goldenId).query((rs, n) -> Map.of("system", rs.getString(1), "recordId", rs.getString(2))).list();
        Map<String, Object> scores = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT orders, revenue, last_purchase, events, recency, frequency, monetary, rfm_segment, value_type, clv, p_alive
                        FROM profile_score WHERE golden_id = :g""")
                .param("g", goldenId)
                .query(rs -> {
                    scores.put("orders", rs.getInt(1));
                    scores.put("revenue", rs.getBigDecimal(2));
                    scores.put("lastPurchase", rs.getObject(3) == null ? null : rs.getObject(3).toString());
                    scores.put("events", rs.getInt(4));
                    scores.put("rfm", "" + rs.getInt(5) + rs.getInt(6) + rs.getInt(7));
                    scores.put("rfmSegment", rs.getString(8));
                    scores.put("valueType", rs.getString(9));
                    scores.put("clv", rs.getBigDecimal(10));
                    double alive = rs.getDouble(11);
                    scores.put("probabilityAlive", rs.wasNull() ? null : alive);
                });
        List<String> segments = new ArrayList<>(jdbc.sql(
                        "SELECT segment_id FROM segment_membership WHERE golden_id = :g AND exited_at IS NULL ORDER BY segment_id")
                .param("g", goldenId).query(String.class).list());
        return new View(goldenId, !reveal, attributes, sources, scores, segments);
    }
}
