package io.segmenthub.web;

import io.segmenthub.audit.AuditCheckpoints;
import io.segmenthub.audit.AuditLog;
import io.segmenthub.subject.SubjectIdentifiers;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The audit log for compliance officers: verify the hash chain, and find what happened to one person. */
@RestController
@RequestMapping("/api/audit")
class AuditController {

    record SubjectRef(String email, String phone) {
    }

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

    @PostMapping("/checkpoints")
    AuditCheckpoints.Checkpoint checkpoint() {
        return checkpoints.sign("on demand (api)");
    }

    /** Entries about the person: consent events by their identifiers, pushes and erasures by their golden profiles. */
    @PostMapping("/search")
    List<Map<String, Object>> search(@RequestBody SubjectRef ref) {
        List<String> subjects = new ArrayList<>(identifiers.all(Optional.ofNullable(ref.email()), Optional.ofNullable(ref.phone())));
        subjects.addAll(jdbc.sql("""
                        SELECT DISTINCT r.golden_id FROM record_index i JOIN source_record r ON r.id = i.source_record_id
                        WHERE i.hashed IN (:s) AND r.golden_id IS NOT NULL""")
                .param("s", List.copyOf(subjects)).query(String.class).list());
        return audit.about(subjects);
    }
}
