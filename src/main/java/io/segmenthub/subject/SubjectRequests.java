package io.segmenthub.subject;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.audit.AuditLog;
import io.segmenthub.consent.ConsentEvent;
import io.segmenthub.consent.ConsentLedger;
import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.pipeline.QuarantineStore;
import io.segmenthub.profile.MatchStateStore;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Subject requests: access (GDPR Art. 15, PIPL Art. 45) exports everything held about a person;
 * erasure (GDPR Art. 17, PIPL Art. 47) crypto-shreds their data keys, deletes their records,
 * activity and scores, takes them out of every segment (so the next push removes them downstream,
 * with a receipt per destination), and leaves tombstones of their identifiers so they are not
 * imported again unless they give a new consent. A person is found by e-mail or phone through the
 * blind index, and every record linked to the same golden profile is included.
 */
@Component
public class SubjectRequests {

    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() { };

    /** What an erasure did. */
    public record Erasure(String requestId, List<String> goldenIds, int records, int tombstones) {
    }

    private record Held(long id, String system, String recordId, Optional<Long> dataKey, String goldenId) {
    }

    private final JdbcClient jdbc;
    private final SubjectIdentifiers identifiers;
    private final BlindIndex blindIndex;
    private final PersonalDataVault vault;
    private final ConsentLedger ledger;
    private final Tombstones tombstones;
    private final QuarantineStore quarantine;
    private final MatchStateStore matchState;
    private final AuditLog audit;
    private final HubConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public SubjectRequests(JdbcClient jdbc, SubjectIdentifiers identifiers, BlindIndex blindIndex, PersonalDataVault vault,
                           ConsentLedger ledger, Tombstones tombstones, QuarantineStore quarantine, MatchStateStore matchState, AuditLog audit,
                           HubConfig config, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.identifiers = identifiers;
        this.blindIndex = blindIndex;
        this.vault = vault;
        this.ledger = ledger;
        this.tombstones = tombstones;
        this.quarantine = quarantine;
        this.matchState = matchState;
        this.audit = audit;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    @Transactional
    public Erasure erase(Optional<String> email, Optional<String> phone, String actor) {
        Set<String> requested = identifiers(email, phone);
        List<Held> held = held(requested);
        Instant now = clock.instant();
        String requestId = "E-" + UUID.randomUUID();

        Set<String> subjects = new LinkedHashSet<>(requested);
        Set<String> goldens = new TreeSet<>();
        for (Held h : held) {
            subjects.addAll(jdbc.sql("SELECT hashed FROM record_index WHERE source_record_id = :id").param("id", h.id())
                    .query(String.class).list());
            subjects.add(blindIndex.of("record", h.system() + "/" + h.recordId()));
            if (h.goldenId() != null) {
                goldens.add(h.goldenId());
            }
        }
        for (Held h : held) {
            h.dataKey().ifPresent(vault::shred);
            jdbc.sql("DELETE FROM record_index WHERE source_record_id = :id").param("id", h.id()).update();
            // the record's matching keys (blind indexes of its names, birth date, address), with their share
            // of the kept term counts, and its links go too
            matchState.replaceKeys(List.of(h.id()), List.of());
            jdbc.sql("DELETE FROM match_link WHERE left_record_id = :id OR right_record_id = :id").param("id", h.id()).update();
            jdbc.sql("DELETE FROM purchase WHERE system = :s AND record_id = :r").param("s", h.system()).param("r", h.recordId()).update();
            jdbc.sql("DELETE FROM engagement_event WHERE system = :s AND record_id = :r").param("s", h.system()).param("r", h.recordId()).update();
            jdbc.sql("DELETE FROM golden_attribute WHERE source_record_id = :id").param("id", h.id()).update();
            jdbc.sql("DELETE FROM record_golden WHERE source_record_id = :id").param("id", h.id()).update();
            jdbc.sql("DELETE FROM source_record WHERE id = :id").param("id", h.id()).update();
        }
        for (String golden : goldens) {
            jdbc.sql("UPDATE golden_profile SET erased_at = :at, erasure_request = :request WHERE golden_id = :g")
                    .param("at", Timestamps.utc(now)).param("request", requestId).param("g", golden).update();
            jdbc.sql("DELETE FROM profile_score WHERE golden_id = :g").param("g", golden).update();
            jdbc.sql("UPDATE segment_membership SET exited_at = :at, exited_run = :request WHERE golden_id = :g AND exited_at IS NULL")
                    .param("at", Timestamps.utc(now)).param("request", requestId).param("g", golden).update();
        }
        int quarantined = quarantine.shredFor(subjects);
        tombstones.add(subjects, requestId, now);
        jdbc.sql("""
                        INSERT INTO subject_request (id, kind, requested_at, requested_by, golden_ids, records)
                        VALUES (:id, 'ERASURE', :at, :actor, :goldens, :records)""")
                .param("id", requestId).param("at", Timestamps.utc(now)).param("actor", actor)
                .param("goldens", String.join(",", goldens)).param("records", held.size()).update();
        List<AuditLog.Entry> entries = new ArrayList<>();
        entries.add(new AuditLog.Entry(null, actor, "ERASURE", requested.iterator().next(),
                "request=" + requestId + " profiles=" + goldens.size() + " records=" + held.size() + " identifiers=" + subjects.size()
                        + " quarantined_rows=" + quarantined));
        goldens.forEach(g -> entries.add(new AuditLog.Entry(null, actor, "ERASURE", g, "request=" + requestId + " data keys shredded")));
        audit.append(entries);
        return new Erasure(requestId, List.copyOf(goldens), held.size(), subjects.size());
    }

    /** Everything held about the person, decrypted, as a JSON-ready map. The access itself is audited. */
    @Transactional
    public Map<String, Object> access(Optional<String> email, Optional<String> phone, String actor) {
        Set<String> requested = identifiers(email, phone);
        List<Held> held = held(requested);
        Set<String> goldens = new TreeSet<>();
        held.stream().map(Held::goldenId).filter(g -> g != null).forEach(goldens::add);

        Map<String, Object> export = new LinkedHashMap<>();
        export.put("generatedAt", clock.instant().toString());
        export.put("legalBasis", "GDPR Art. 15 / PIPL Art. 45 subject access request");
        tombstones.erasedAt(requested).ifPresent(at -> export.put("erasedAt", at.toString()));
        List<Map<String, Object>> profiles = new ArrayList<>();
        for (String golden : goldens) {
            profiles.add(profile(golden, held.stream().filter(h -> golden.equals(h.goldenId())).toList()));
        }
        held.stream().filter(h -> h.goldenId() == null).forEach(h -> profiles.add(profile(null, List.of(h))));
        export.put("profiles", profiles);
        List<AuditLog.Entry> entries = new ArrayList<>();
        entries.add(new AuditLog.Entry(null, actor, "PII_ACCESS", requested.iterator().next(),
                "subject access export: profiles=" + goldens.size() + " records=" + held.size()));
        audit.append(entries);
        return export;
    }

    private Map<String, Object> profile(String golden, List<Held> records) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("goldenId", golden);
        Set<String> subjects = new LinkedHashSet<>();
        List<Map<String, Object>> recordViews = new ArrayList<>();
        for (Held h : records) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("system", h.system());
            view.put("recordId", h.recordId());
            var row = jdbc.sql("SELECT source_updated_at, pii, attributes FROM source_record WHERE id = :id").param("id", h.id())
                    .query((rs, n) -> new Object[]{Timestamps.read(rs, "source_updated_at"), rs.getBytes("pii"), rs.getString("attributes")})
                    .single();
            view.put("updatedAt", row[0].toString());
            Map<String, String> attributes = new LinkedHashMap<>(read((String) row[2]));
            if (row[1] != null && h.dataKey().isPresent()) {
                vault.open(h.dataKey().get(), (byte[]) row[1], h.system() + "/" + h.recordId())
                        .map(b -> read(new String(b, StandardCharsets.UTF_8))).ifPresent(attributes::putAll);
            }
            view.put("attributes", attributes);
            view.put("purchases", jdbc.sql("SELECT tx_id, occurred_on, amount, currency FROM purchase WHERE system = :s AND record_id = :r ORDER BY occurred_on")
                    .param("s", h.system()).param("r", h.recordId())
                    .query((rs, n) -> Map.of("id", rs.getString(1), "date", rs.getObject(2).toString(), "amount", rs.getBigDecimal(3).toPlainString(),
                            "currency", rs.getString(4).trim())).list());
            view.put("events", jdbc.sql("SELECT event_type, occurred_at FROM engagement_event WHERE system = :s AND record_id = :r ORDER BY occurred_at")
                    .param("s", h.system()).param("r", h.recordId())
                    .query((rs, n) -> Map.of("type", rs.getString(1), "at", Timestamps.read(rs, "occurred_at").toString())).list());
            recordViews.add(view);
            subjects.addAll(jdbc.sql("SELECT hashed FROM record_index WHERE source_record_id = :id").param("id", h.id()).query(String.class).list());
            subjects.add(blindIndex.of("record", h.system() + "/" + h.recordId()));
        }
        profile.put("records", recordViews);
        List<Map<String, Object>> consent = new ArrayList<>();
        for (String subject : subjects) {
            for (ConsentEvent e : ledger.history(subject)) {
                consent.add(Map.of("purpose", e.purpose(), "status", e.status().name().toLowerCase(), "occurredAt", e.occurredAt().toString(),
                        "source", e.sourceSystem(), "evidence", e.evidence()));
            }
        }
        consent.sort((a, b) -> ((String) a.get("occurredAt")).compareTo((String) b.get("occurredAt")));
        profile.put("consentHistory", consent);
        Map<String, String> current = new LinkedHashMap<>();
        config.purposes().forEach((id, purpose) -> current.put(id, purpose.basis().permits(ledger.current(subjects, id, clock.instant()))
                ? "permitted" : "not permitted"));
        profile.put("consentNow", current);
        if (golden != null) {
            profile.put("segments", jdbc.sql("SELECT segment_id, entered_at, exited_at FROM segment_membership WHERE golden_id = :g ORDER BY entered_at")
                    .param("g", golden)
                    .query((rs, n) -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("segment", rs.getString(1));
                        m.put("enteredAt", Timestamps.read(rs, "entered_at").toString());
                        m.put("exitedAt", Optional.ofNullable(Timestamps.read(rs, "exited_at")).map(Instant::toString).orElse(null));
                        return m;
                    }).list());
            profile.put("pushedTo", jdbc.sql("SELECT destination_id, segment_id, pushed_at FROM push_state WHERE golden_id = :g ORDER BY pushed_at")
                    .param("g", golden)
                    .query((rs, n) -> Map.of("destination", rs.getString(1), "segment", rs.getString(2),
                            "since", Timestamps.read(rs, "pushed_at").toString())).list());
            profile.put("pushHistory", jdbc.sql("SELECT at, action, detail FROM audit_log WHERE subject = :g AND action IN ('PUSH_ADD', 'PUSH_REMOVE') ORDER BY id")
                    .param("g", golden)
                    .query((rs, n) -> Map.of("at", Timestamps.read(rs, "at").toString(), "action", rs.getString(2), "detail", rs.getString(3))).list());
        }
        return profile;
    }

    private Set<String> identifiers(Optional<String> email, Optional<String> phone) {
        return new LinkedHashSet<>(identifiers.all(email, phone));
    }

    /** Every record of every golden profile that one of the identifiers belongs to. */
    private List<Held> held(Set<String> subjects) {
        List<Long> matched = jdbc.sql("SELECT DISTINCT source_record_id FROM record_index WHERE hashed IN (:subjects)")
                .param("subjects", subjects).query(Long.class).list();
        if (matched.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT r.id, r.system, r.record_id, r.data_key_id, g.golden_id
                        FROM source_record r LEFT JOIN record_golden g ON g.source_record_id = r.id
                        WHERE r.id IN (:ids) OR g.golden_id IN (SELECT golden_id FROM record_golden WHERE source_record_id IN (:ids))
                        ORDER BY id""")
                .param("ids", matched)
                .query((rs, n) -> {
                    long key = rs.getLong("data_key_id");
                    Optional<Long> dataKey = rs.wasNull() ? Optional.empty() : Optional.of(key);
                    return new Held(rs.getLong("id"), rs.getString("system"), rs.getString("record_id"), dataKey, rs.getString("golden_id"));
                }).list();
    }

    private Map<String, String> read(String text) {
        try {
            return json.readValue(text, STRINGS);
        } catch (IOException e) {
            throw new IllegalStateException("stored attributes are not a JSON object of strings", e);
        }
    }
}
