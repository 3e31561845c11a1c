package io.segmenthub.consent;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.InLists;
import io.segmenthub.system.SlicedBatch;
import io.segmenthub.system.Timestamps;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The consent ledger: every consent event is kept, never overwritten (GDPR Art. 7(1): the
 * controller must be able to show consent was given). The current state per subject and purpose
 * is derived: the latest event by {@code occurred_at} wins, ties go to the more restrictive
 * status, and an expired grant counts as absent.
 */
@Repository
public class ConsentLedger {

    private static final List<String> COLUMNS = List.of("subject", "purpose", "status", "occurred_at", "recorded_at", "source_system",
            "evidence", "expires_at", "run_id");
    private static final String SELECT_EVENTS = "SELECT subject, purpose, status, occurred_at, source_system, evidence, expires_at FROM consent_event";
    /** PostgreSQL: the events of each identifier in an array, by index, one identifier at a time (see {@link #eventsOf(Collection)}). */
    static final String SELECT_EVENTS_BY_INDEX = "SELECT found.* FROM " + InLists.eachLookedUp(":subjects", "subject",
            SELECT_EVENTS + " WHERE subject = wanted.subject");

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final BulkInsert bulk;
    private final Clock clock;
    private final boolean postgres;
    /** What {@link #decidingBySubject} read last, and how far (null before its first read). */
    private final AtomicReference<Decided> decided = new AtomicReference<>();

    public ConsentLedger(JdbcClient jdbc, NamedParameterJdbcTemplate named, AuditLog audit, BulkInsert bulk, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.bulk = bulk;
        this.clock = clock;
        this.postgres = SlicedBatch.postgres(named.getJdbcTemplate());
    }

    /** Appends the events not already in the ledger; returns how many were new. Each new one is audited. */
    public int record(List<ConsentEvent> events, String runId) {
        return record(events, runId, eventsOf(events.stream().map(ConsentEvent::subject).toList()));
    }

    /**
     * Appends the events not already in {@code ledger}, which holds what {@link #eventsOf(Collection)}
     * read for (at least) their subjects, and adds each new one to it: ingest reads a batch's
     * subjects once, both to leave out the events it already holds and to gate the batch with the
     * events just added. Returns how many were new; each new one is audited. The ledger's unique
     * constraint still refuses a duplicate written in between.
     */
    public int record(List<ConsentEvent> events, String runId, Map<String, List<ConsentEvent>> ledger) {
        Set<String> known = new HashSet<>();
        ledger.values().forEach(list -> list.forEach(e -> known.add(key(e))));
        List<ConsentEvent> fresh = new ArrayList<>();
        for (ConsentEvent e : events) {
            if (known.add(key(e))) {
                fresh.add(e);
            }
        }
        if (fresh.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        // a first run records hundreds of thousands of flag events: by COPY on PostgreSQL, a batch elsewhere
        bulk.insert("consent_event", COLUMNS, fresh.stream().map(e -> new Object[]{e.subject(), e.purpose(), e.status().name(),
                Timestamps.utc(e.occurredAt()), Timestamps.utc(now), e.sourceSystem(), e.evidence(),
                e.expiresAt().map(Timestamps::utc).orElse(null), runId}).toList());
        fresh.forEach(e -> ledger.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e));
        // at the commit: a batch holds the audit chain while it commits, not while it stores the rest
        audit.appendAtCommit(fresh.stream().map(e -> new AuditLog.Entry(runId, "sync", "CONSENT", e.subject(),
                "purpose=" + e.purpose() + " status=" + e.status().name().toLowerCase() + " source=" + e.sourceSystem()
                        + " occurred_at=" + e.occurredAt())).toList());
        return fresh.size();
    }

    /** The ledger's identity of an event (its unique constraint), with the instant as the store keeps it (microseconds). */
    private static String key(ConsentEvent e) {
        return String.join("\u0000", e.subject(), e.purpose(), e.status().name(), Timestamps.utc(e.occurredAt()).toInstant().toString(),
                e.sourceSystem());
    }

    /** The current state for one purpose across several identifiers of one person. */
    public Optional<ConsentStatus> current(Collection<String> subjects, String purpose, Instant at) {
        return latestEvent(subjects, purpose).flatMap(e -> e.effectiveAt(at));
    }

    /**
     * The current state for one purpose of each identifier on its own (one identifier's events do
     * not count for another), all read at once: for checking every address a push would send.
     */
    public Map<String, Optional<ConsentStatus>> currentOfEach(Collection<String> subjects, String purpose, Instant at) {
        Map<String, List<ConsentEvent>> events = eventsOf(subjects, purpose);
        Map<String, Optional<ConsentStatus>> current = new HashMap<>();
        for (String subject : subjects) {
            current.put(subject, latest(events.getOrDefault(subject, List.of())).flatMap(e -> e.effectiveAt(at)));
        }
        return current;
    }

    /** The event that decides the current state for one purpose across several identifiers. */
    public Optional<ConsentEvent> latestEvent(Collection<String> subjects, String purpose) {
        if (subjects.isEmpty()) {
            return Optional.empty();
        }
        return latest(eventsOf(subjects, purpose).values().stream().flatMap(List::stream).toList());
    }

    /** The events for one purpose of many identifiers, by identifier. */
    public Map<String, List<ConsentEvent>> eventsOf(Collection<String> subjects, String purpose) {
        Map<String, List<ConsentEvent>> bySubject = new HashMap<>();
        eventsOf(subjects).forEach((subject, events) -> events.stream().filter(e -> e.purpose().equals(purpose))
                .forEach(e -> bySubject.computeIfAbsent(subject, k -> new ArrayList<>()).add(e)));
        return bySubject;
    }

    /**
     * Every event of many identifiers, all purposes, by identifier: for a whole batch of records
     * at once (a batch of 2,000 records has up to 6,000 identifiers). On PostgreSQL one query,
     * the identifiers as an array, each looked up in the ledger's index in turn (asked as
     * {@code subject = ANY(?)}, it read the whole ledger for every batch: see
     * {@link InLists#eachLookedUp}). On H2 {@code IN} lists, which it looks up by index.
     */
    public Map<String, List<ConsentEvent>> eventsOf(Collection<String> subjects) {
        Map<String, List<ConsentEvent>> bySubject = new HashMap<>();
        List<String> distinct = List.copyOf(new LinkedHashSet<>(subjects));
        if (distinct.isEmpty()) {
            return bySubject;
        }
        List<List<String>> chunks = postgres ? List.of(distinct) : InLists.of(distinct);
        for (List<String> chunk : chunks) {
            var query = postgres
                    ? jdbc.sql(SELECT_EVENTS_BY_INDEX).param("subjects", chunk.toArray(String[]::new))
                    : jdbc.sql(SELECT_EVENTS + " WHERE subject IN (:subjects)").param("subjects", chunk);
            query.query((rs, n) -> map(rs, true)).list()
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

    /**
     * Each subject's deciding event for each of {@code purposes} (by the ledger's rule; null where
     * the subject has none), at the purpose's position: for judging all profiles in one pass, without
     * keeping every event of a ledger that grows with every run. The events are read without their
     * source system and evidence (both null), which decide nothing.
     *
     * <p>Every push asks this of the whole ledger, and a re-run adds few events to it. So the answer
     * is kept, with how far it read (the highest id, and how many events up to it), and the next
     * call reads only the events after that, folding them into a copy: the latest-wins rule is a
     * maximum, so folding new events into the deciding ones decides as reading them all does. The
     * ledger is only ever appended to. The whole ledger is read again when the kept answer may not
     * hold: another list of purposes, another store (one migrated afresh since, as tests do), or
     * more events up to the highest id read than were read (an event that another writer had been
     * given a lower id for committed after the read: ids are handed out before commit).
     */
    public Map<String, ConsentEvent[]> decidingBySubject(List<String> purposes) {
        Decided last = decided.get();
        Optional<String> store = storeMigratedAt();
        boolean holds = last != null && store.isPresent() && last.store().equals(store.get()) && last.purposes().equals(purposes)
                && jdbc.sql("SELECT COUNT(*) FROM consent_event WHERE id <= :mark").param("mark", last.mark())
                .query(Long.class).single() == last.readUpToMark();
        Decided now = readAfter(holds ? last : new Decided(List.copyOf(purposes), store.orElse(""), 0, 0, Map.of()));
        decided.set(store.isPresent() ? now : null);
        return Collections.unmodifiableMap(now.bySubject());
    }

    /** The deciding events as a read left them, and how far it read: every event with an id up to {@code mark}, {@code readUpToMark} of them. */
    private record Decided(List<String> purposes, String store, long mark, long readUpToMark, Map<String, ConsentEvent[]> bySubject) {
    }

    /** {@code from}'s deciding events with the ledger's events after its mark folded in; {@code from}'s own map and arrays are left as they are. */
    private Decided readAfter(Decided from) {
        List<String> purposes = from.purposes();
        Map<String, Integer> position = new HashMap<>();
        for (int p = 0; p < purposes.size(); p++) {
            position.put(purposes.get(p), p);
        }
        Map<String, ConsentEvent[]> bySubject = new HashMap<>(from.bySubject());
        Set<ConsentEvent[]> own = Collections.newSetFromMap(new IdentityHashMap<>());
        long[] mark = {from.mark()};
        long[] read = {from.readUpToMark()};
        jdbc.sql("SELECT id, subject, purpose, status, occurred_at, expires_at FROM consent_event WHERE id > :mark")
                .param("mark", from.mark())
                .query(rs -> {
                    read[0]++;
                    mark[0] = Math.max(mark[0], rs.getLong("id"));
                    Integer p = position.get(rs.getString("purpose"));
                    if (p == null) {
                        return; // a purpose no longer configured decides nothing
                    }
                    ConsentEvent e = map(rs, false);
                    ConsentEvent[] deciding = bySubject.get(e.subject());
                    if (deciding == null || !own.contains(deciding)) {
                        deciding = deciding == null ? new ConsentEvent[purposes.size()] : deciding.clone();
                        own.add(deciding);
                        bySubject.put(e.subject(), deciding);
                    }
                    deciding[p] = deciding(deciding[p], e);
                });
        return new Decided(purposes, from.store(), mark[0], read[0], bySubject);
    }

    /**
     * When the store was first migrated, as its migration history says: another value means another
     * store, whose ledger was never read here. Empty where the store has no such history.
     */
    private Optional<String> storeMigratedAt() {
        try {
            return Optional.ofNullable(jdbc.sql("SELECT MIN(\"installed_on\") FROM \"flyway_schema_history\"").query(String.class).single());
        } catch (DataAccessException e) {
            return Optional.empty();
        }
    }

    public List<ConsentEvent> history(String subject) {
        return jdbc.sql(SELECT_EVENTS + " WHERE subject = :subject ORDER BY occurred_at, id")
                .param("subject", subject)
                .query((rs, n) -> map(rs, true))
                .list();
    }

    /** The winning event among several, by the ledger's rule. */
    public static Optional<ConsentEvent> latest(Collection<ConsentEvent> events) {
        ConsentEvent winner = null;
        for (ConsentEvent e : events) {
            winner = deciding(winner, e);
        }
        return Optional.ofNullable(winner);
    }

    /** The ledger's rule for two events: {@code candidate} unless {@code held} is there and is not superseded by it (either may be null). */
    static ConsentEvent deciding(ConsentEvent held, ConsentEvent candidate) {
        return held == null || (candidate != null && candidate.supersedes(held)) ? candidate : held;
    }

    /** An event as read; without its source system and evidence (null) where {@code attributed} is false and they were not read. */
    private static ConsentEvent map(java.sql.ResultSet rs, boolean attributed) throws java.sql.SQLException {
        return new ConsentEvent(rs.getString("subject"), rs.getString("purpose"),
                ConsentStatus.valueOf(rs.getString("status")), Timestamps.read(rs, "occurred_at"),
                attributed ? rs.getString("source_system") : null, attributed ? rs.getString("evidence") : null,
                Optional.ofNullable(Timestamps.read(rs, "expires_at")));
    }
}
