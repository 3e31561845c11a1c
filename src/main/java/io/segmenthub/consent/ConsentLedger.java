package io.segmenthub.consent;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.system.InLists;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The consent ledger: every consent event is kept, never overwritten (GDPR Art. 7(1): the
 * controller must be able to show consent was given). The current state per subject and purpose
 * is derived: the latest event by {@code occurred_at} wins, ties go to the more restrictive
 * status, and an expired grant counts as absent.
 */
@Repository
public class ConsentLedger {

    private static final String INSERT = """
            INSERT INTO consent_event (subject, purpose, status, occurred_at, recorded_at, source_system, evidence, expires_at, run_id)
            VALUES (:subject, :purpose, :status, :occurredAt, :recordedAt, :source, :evidence, :expiresAt, :runId)
            """;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final AuditLog audit;
    private final Clock clock;

    public ConsentLedger(JdbcClient jdbc, NamedParameterJdbcTemplate named, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.named = named;
        this.audit = audit;
        this.clock = clock;
    }

    /** Appends the events not already in the ledger; returns how many were new. Each new one is audited. */
    public int record(List<ConsentEvent> events, String runId) {
        List<ConsentEvent> fresh = unrecorded(events);
        if (fresh.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        named.batchUpdate(INSERT, fresh.stream().map(e -> new MapSqlParameterSource()
                .addValue("subject", e.subject())
                .addValue("purpose", e.purpose())
                .addValue("status", e.status().name())
                .addValue("occurredAt", Timestamps.utc(e.occurredAt()))
                .addValue("recordedAt", Timestamps.utc(now))
                .addValue("source", e.sourceSystem())
                .addValue("evidence", e.evidence())
                .addValue("expiresAt", e.expiresAt().map(Timestamps::utc).orElse(null))
                .addValue("runId", runId)).toArray(MapSqlParameterSource[]::new));
        audit.append(fresh.stream().map(e -> new AuditLog.Entry(runId, "sync", "CONSENT", e.subject(),
                "purpose=" + e.purpose() + " status=" + e.status().name().toLowerCase() + " source=" + e.sourceSystem()
                        + " occurred_at=" + e.occurredAt())).toList());
        return fresh.size();
    }

    /**
     * The events not in the ledger yet (the same subject, purpose, status, instant and source), each
     * once, in the order given: looked up by subject in IN-lists, so that the new ones go in as one
     * plain INSERT batch rather than a guarded insert per event. The ledger's unique constraint still
     * refuses a duplicate written in between.
     */
    private List<ConsentEvent> unrecorded(List<ConsentEvent> events) {
        Set<String> known = new HashSet<>();
        for (List<String> chunk : InLists.of(List.copyOf(new LinkedHashSet<>(events.stream().map(ConsentEvent::subject).toList())))) {
            jdbc.sql("SELECT subject, purpose, status, occurred_at, source_system FROM consent_event WHERE subject IN (:subjects)")
                    .param("subjects", chunk)
                    .query(rs -> {
                        known.add(key(rs.getString("subject"), rs.getString("purpose"), rs.getString("status"),
                                Timestamps.read(rs, "occurred_at"), rs.getString("source_system")));
                    });
        }
        List<ConsentEvent> fresh = new ArrayList<>();
        for (ConsentEvent e : events) {
            if (known.add(key(e.subject(), e.purpose(), e.status().name(), e.occurredAt(), e.sourceSystem()))) {
                fresh.add(e);
            }
        }
        return fresh;
    }

    /** The ledger's identity of an event, with the instant as the store keeps it (microseconds). */
    private static String key(String subject, String purpose, String status, Instant occurredAt, String source) {
        return String.join("\u0000", subject, purpose, status, Timestamps.utc(occurredAt).toInstant().toString(), source);
    }

    /** The current state for one purpose across several identifiers of one person. */
    public Optional<ConsentStatus> current(Collection<String> subjects, String purpose, Instant at) {
        return latestEvent(subjects, purpose).flatMap(e -> e.effectiveAt(at));
    }

    /** The event that decides the current state for one purpose across several identifiers. */
    public Optional<ConsentEvent> latestEvent(Collection<String> subjects, String purpose) {
        if (subjects.isEmpty()) {
            return Optional.empty();
        }
        return latest(eventsOf(subjects, purpose).values().stream().flatMap(List::stream).toList());
    }

    /**
     * The events for one purpose of many identifiers, by identifier: what {@link #latestEvent} reads,
     * for a whole batch of records in a few queries instead of one per record.
     */
    public Map<String, List<ConsentEvent>> eventsOf(Collection<String> subjects, String purpose) {
        Map<String, List<ConsentEvent>> bySubject = new HashMap<>();
        for (List<String> chunk : InLists.of(List.copyOf(new LinkedHashSet<>(subjects)))) {
            jdbc.sql("""
                            SELECT subject, purpose, status, occurred_at, source_system, evidence, expires_at
                            FROM consent_event WHERE purpose = :purpose AND subject IN (:subjects)""")
                    .param("purpose", purpose)
                    .param("subjects", chunk)
                    .query((rs, n) -> map(rs))
                    .list()
                    .forEach(e -> bySubject.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e));
        }
        return bySubject;
    }

    /** Whether any of these identifiers granted any purpose after the given instant (a person coming back). */
    public boolean grantedSince(Collection<String> subjects, Instant since) {
        if (subjects.isEmpty()) {
            return false;
        }
        return jdbc.sql("""
                        SELECT COUNT(*) FROM consent_event
                        WHERE subject IN (:subjects) AND status = 'GRANTED' AND occurred_at > :since""")
                .param("subjects", subjects).param("since", Timestamps.utc(since))
                .query(Long.class).single() > 0;
    }

    /** Every subject's events, grouped by subject: for scoring all profiles in one pass. */
    public Map<String, List<ConsentEvent>> all() {
        Map<String, List<ConsentEvent>> bySubject = new HashMap<>();
        jdbc.sql("SELECT subject, purpose, status, occurred_at, source_system, evidence, expires_at FROM consent_event")
                .query((rs, n) -> map(rs))
                .list()
                .forEach(e -> bySubject.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e));
        return bySubject;
    }

    public List<ConsentEvent> history(String subject) {
        return jdbc.sql("""
                        SELECT subject, purpose, status, occurred_at, source_system, evidence, expires_at
                        FROM consent_event WHERE subject = :subject ORDER BY occurred_at, id""")
                .param("subject", subject)
                .query((rs, n) -> map(rs))
                .list();
    }

    /** The winning event among several, by the ledger's rule. */
    public static Optional<ConsentEvent> latest(Collection<ConsentEvent> events) {
        ConsentEvent winner = null;
        for (ConsentEvent e : events) {
            if (winner == null || e.supersedes(winner)) {
                winner = e;
            }
        }
        return Optional.ofNullable(winner);
    }

    private static ConsentEvent map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ConsentEvent(rs.getString("subject"), rs.getString("purpose"),
                ConsentStatus.valueOf(rs.getString("status")), Timestamps.read(rs, "occurred_at"),
                rs.getString("source_system"), rs.getString("evidence"),
                Optional.ofNullable(Timestamps.read(rs, "expires_at")));
    }
}
