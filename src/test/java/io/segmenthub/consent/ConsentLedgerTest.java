package io.segmenthub.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.TestPostgres;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

class ConsentLedgerTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Instant T1 = Instant.parse("2026-01-10T08:00:00Z");
    static final Instant T2 = Instant.parse("2026-02-20T17:30:00Z");

    // blind indexes of made-up identifiers; the ledger never sees plaintext
    static final String EMAIL_ANN = "email-idx-ann";
    static final String PHONE_ANN = "phone-idx-ann";
    static final String EMAIL_BOB = "email-idx-bob";

    static ConsentEvent event(String subject, String purpose, ConsentStatus status, Instant at) {
        return new ConsentEvent(subject, purpose, status, at, "consent-platform", "web-form", Optional.empty());
    }

    @Nested
    class Latest {

        @Test
        void noEventsMeansNoWinner() {
            assertThat(ConsentLedger.latest(List.of())).isEmpty();
        }

        @Test
        void theLatestEventWinsInAnyOrder() {
            ConsentEvent early = event(EMAIL_ANN, "analytics", ConsentStatus.WITHDRAWN, T1);
            ConsentEvent late = event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T2);

            assertThat(ConsentLedger.latest(List.of(early, late))).contains(late);
            assertThat(ConsentLedger.latest(List.of(late, early))).contains(late);
        }

        @Test
        void atTheSameInstantTheMostRestrictiveWinsInAnyOrder() {
            ConsentEvent granted = event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1);
            ConsentEvent denied = event(PHONE_ANN, "analytics", ConsentStatus.DENIED, T1);
            ConsentEvent withdrawn = event(EMAIL_ANN, "analytics", ConsentStatus.WITHDRAWN, T1);

            assertThat(ConsentLedger.latest(List.of(granted, withdrawn, denied))).contains(withdrawn);
            assertThat(ConsentLedger.latest(List.of(withdrawn, denied, granted))).contains(withdrawn);
        }
    }

    /**
     * What ingest does per batch: one read of every purpose's events for the batch's subjects, the
     * batch's events recorded against it (only new ones stored and audited, and added to what was
     * read), then the gate decided on that map.
     */
    static void readOnceThenRecordAgainstIt(ConsentLedger ledger, AuditLog audit) {
        ConsentEvent granted = event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1);
        ledger.record(List.of(granted, event(EMAIL_BOB, "marketing_email", ConsentStatus.DENIED, T1)), "run-1");

        Map<String, List<ConsentEvent>> read = ledger.eventsOf(List.of(EMAIL_ANN, PHONE_ANN, EMAIL_BOB, EMAIL_BOB));
        assertThat(read).containsOnlyKeys(EMAIL_ANN, EMAIL_BOB);
        assertThat(read.get(EMAIL_BOB)).extracting(ConsentEvent::purpose).containsExactly("marketing_email");

        ConsentEvent withdrawn = event(PHONE_ANN, "analytics", ConsentStatus.WITHDRAWN, T2);
        int stored = ledger.record(List.of(granted, withdrawn), "run-2", read);

        assertThat(stored).isEqualTo(1);
        assertThat(read.get(PHONE_ANN)).containsExactly(withdrawn);
        assertThat(ledger.history(PHONE_ANN)).containsExactly(withdrawn);
        assertThat(ledger.history(EMAIL_ANN)).containsExactly(granted);
        assertThat(audit.count("CONSENT")).isEqualTo(3);
        assertThat(ConsentLedger.latest(List.of(EMAIL_ANN, PHONE_ANN).stream().flatMap(s -> read.get(s).stream()).toList()))
                .contains(withdrawn);
        assertThat(ledger.eventsOf(List.of(EMAIL_ANN, PHONE_ANN), "analytics")).containsOnlyKeys(EMAIL_ANN, PHONE_ANN);
        assertThat(ledger.eventsOf(List.of())).isEmpty();
    }

    /** The ledger on the PostgreSQL CI runs the suite against (skipped when absent), which reads a batch as an array. */
    @Test
    void onPostgresABatchIsReadOnceAndRecordedAgainstWhatWasRead() throws Exception {
        TestPostgres.inMigratedSchema("ledger", (pool, schema) -> {
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            JdbcClient jdbc = JdbcClient.create(pool);
            var named = new NamedParameterJdbcTemplate(pool);
            AuditLog audit = new AuditLog(jdbc, new BulkInsert(pool, named), clock);
            readOnceThenRecordAgainstIt(new ConsentLedger(jdbc, named, audit, new BulkInsert(pool, named), clock), audit);
        });
    }

    /**
     * A batch's subjects are looked up by index however long the ledger grows: asked as
     * {@code subject = ANY(?)} with a batch's 6,000 identifiers, PostgreSQL read the whole ledger
     * for every batch (a re-run's largest cost at a million records, and growing with the ledger).
     */
    @Test
    void onPostgresABatchOfSubjectsIsLookedUpByIndexNotByReadingTheLedger() throws Exception {
        TestPostgres.inMigratedSchema("ledger_plan", (pool, schema) -> {
            JdbcClient jdbc = JdbcClient.create(pool);
            jdbc.sql("""
                    INSERT INTO consent_event (subject, purpose, status, occurred_at, recorded_at, source_system, evidence)
                    SELECT md5(n::text) || md5(n::text), 'analytics', 'GRANTED', now(), now(), 'crm', 'web-form'
                    FROM generate_series(1, 60000) AS n""").update();
            jdbc.sql("ANALYZE consent_event").update();
            String[] batch = java.util.stream.IntStream.range(0, 6000).mapToObj(n -> Integer.toHexString(n * 7919)).toArray(String[]::new);

            String plan = String.join("\n", jdbc.sql("EXPLAIN " + ConsentLedger.SELECT_EVENTS_BY_INDEX)
                    .param("subjects", batch).query(String.class).list());

            assertThat(plan).contains("Index Scan using consent_event_once on consent_event").doesNotContain("Seq Scan on consent_event");
        });
    }

    @Nested
    class OnTheStore {

        AuditLog audit;
        ConsentLedger ledger;

        @BeforeEach
        void migrate() {
            DataSource ds = MemoryStore.migrated("consent");
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            JdbcClient jdbc = JdbcClient.create(ds);
            audit = new AuditLog(jdbc, new BulkInsert(ds, new NamedParameterJdbcTemplate(ds)), clock);
            ledger = new ConsentLedger(jdbc, new NamedParameterJdbcTemplate(ds), audit, new BulkInsert(ds, new NamedParameterJdbcTemplate(ds)), clock);
        }

        @Test
        void aBatchIsReadOnceAndRecordedAgainstWhatWasRead() {
            readOnceThenRecordAgainstIt(ledger, audit);
        }

        @Test
        void recordsNewEventsAndAuditsEachOne() {
            int stored = ledger.record(List.of(
                    event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1),
                    event(EMAIL_BOB, "analytics", ConsentStatus.DENIED, T1)), "run-1");

            assertThat(stored).isEqualTo(2);
            assertThat(ledger.history(EMAIL_ANN)).containsExactly(event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1));
            assertThat(audit.count("CONSENT")).isEqualTo(2);
            assertThat(audit.verify().intact()).isTrue();
        }

        @Test
        void reRecordingTheSameEventIsANoOp() {
            ConsentEvent granted = event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1);
            ledger.record(List.of(granted), "run-1");

            int again = ledger.record(List.of(granted), "run-2");

            assertThat(again).isZero();
            assertThat(ledger.history(EMAIL_ANN)).hasSize(1);
            assertThat(audit.count("CONSENT")).isEqualTo(1);
        }

        @Test
        void anEventTimedToTheNanosecondIsTheSameEventWhenSentAgain() {
            // the store keeps microseconds: a source that sends 10:00:00.123456789 twice must not get two rows, nor fail
            ConsentEvent granted = event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, Instant.parse("2026-05-01T10:00:00.123456789Z"));
            ledger.record(List.of(granted), "run-1");

            assertThat(ledger.record(List.of(granted), "run-2")).isZero();
            assertThat(ledger.history(EMAIL_ANN)).hasSize(1);
        }

        @Test
        void theSameEventTwiceInOneBatchIsStoredOnce() {
            ConsentEvent granted = event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1);

            int stored = ledger.record(List.of(granted, granted), "run-1");

            assertThat(stored).isEqualTo(1);
            assertThat(ledger.history(EMAIL_ANN)).hasSize(1);
            assertThat(audit.count("CONSENT")).isEqualTo(1);
        }

        @Test
        void onlyTheNewEventsOfABatchAreStoredAndAudited() {
            ConsentEvent granted = event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1);
            ledger.record(List.of(granted), "run-1");

            int stored = ledger.record(List.of(granted, event(EMAIL_ANN, "analytics", ConsentStatus.WITHDRAWN, T2)), "run-2");

            assertThat(stored).isEqualTo(1);
            assertThat(ledger.history(EMAIL_ANN)).extracting(ConsentEvent::status)
                    .containsExactly(ConsentStatus.GRANTED, ConsentStatus.WITHDRAWN);
            assertThat(audit.count("CONSENT")).isEqualTo(2);
        }

        @Test
        void anEmptyBatchRecordsNothing() {
            assertThat(ledger.record(List.of(), "run-1")).isZero();
            assertThat(audit.count("CONSENT")).isZero();
        }

        @Test
        void keepsTheExpiryOfAGrant() {
            ConsentEvent expiring = new ConsentEvent(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1, "consent-platform",
                    "web-form", Optional.of(T2));
            ledger.record(List.of(expiring), "run-1");

            assertThat(ledger.history(EMAIL_ANN)).containsExactly(expiring);
        }

        @Test
        void currentAppliesTheRuleAcrossAllOfAPersonsIdentifiers() {
            ledger.record(List.of(
                    event(EMAIL_ANN, "marketing_email", ConsentStatus.GRANTED, T1),
                    event(PHONE_ANN, "marketing_email", ConsentStatus.DENIED, T2),
                    event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T2)), "run-1");

            assertThat(ledger.current(List.of(EMAIL_ANN, PHONE_ANN), "marketing_email", NOW)).contains(ConsentStatus.DENIED);
            assertThat(ledger.current(List.of(EMAIL_ANN), "marketing_email", NOW)).contains(ConsentStatus.GRANTED);
            assertThat(ledger.current(List.of(EMAIL_ANN, PHONE_ANN), "analytics", NOW)).contains(ConsentStatus.GRANTED);
        }

        @Test
        void anotherPersonsEventsDoNotCount() {
            ledger.record(List.of(event(EMAIL_BOB, "marketing_email", ConsentStatus.GRANTED, T2)), "run-1");

            assertThat(ledger.current(List.of(EMAIL_ANN, PHONE_ANN), "marketing_email", NOW)).isEmpty();
            assertThat(ledger.current(List.of(), "marketing_email", NOW)).isEmpty();
        }

        @Test
        void aWithdrawalAfterAGrantWins() {
            ledger.record(List.of(
                    event(PHONE_ANN, "marketing_sms", ConsentStatus.WITHDRAWN, T2),
                    event(EMAIL_ANN, "marketing_sms", ConsentStatus.GRANTED, T1)), "run-1");

            assertThat(ledger.current(List.of(EMAIL_ANN, PHONE_ANN), "marketing_sms", NOW)).contains(ConsentStatus.WITHDRAWN);
        }

        @Test
        void aGrantAndAWithdrawalAtTheSameInstantLeaveConsentWithdrawn() {
            ledger.record(List.of(
                    event(EMAIL_ANN, "marketing_sms", ConsentStatus.GRANTED, T1),
                    event(PHONE_ANN, "marketing_sms", ConsentStatus.WITHDRAWN, T1)), "run-1");

            assertThat(ledger.current(List.of(EMAIL_ANN, PHONE_ANN), "marketing_sms", NOW)).contains(ConsentStatus.WITHDRAWN);
        }

        @Test
        void anExpiredGrantIsAbsent() {
            ledger.record(List.of(new ConsentEvent(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1, "consent-platform",
                    "web-form", Optional.of(T2))), "run-1");

            assertThat(ledger.current(List.of(EMAIL_ANN), "analytics", T2.minusSeconds(1))).contains(ConsentStatus.GRANTED);
            assertThat(ledger.current(List.of(EMAIL_ANN), "analytics", NOW)).isEmpty();
        }

        @Test
        void eachIdentifiersCurrentStateCountsOnlyItsOwnEvents() {
            ledger.record(List.of(
                    event(EMAIL_ANN, "marketing_email", ConsentStatus.GRANTED, T1),
                    event(PHONE_ANN, "marketing_email", ConsentStatus.WITHDRAWN, T2),
                    event(EMAIL_BOB, "marketing_email", ConsentStatus.GRANTED, T1),
                    event(EMAIL_BOB, "marketing_email", ConsentStatus.DENIED, T2),
                    event(EMAIL_BOB, "analytics", ConsentStatus.GRANTED, NOW),
                    new ConsentEvent("email-idx-cy", "marketing_email", ConsentStatus.GRANTED, T1, "consent-platform", "web-form",
                            Optional.of(T2))), "run-1");

            Map<String, Optional<ConsentStatus>> current = ledger.currentOfEach(
                    List.of(EMAIL_ANN, EMAIL_BOB, "email-idx-cy", "email-idx-nobody"), "marketing_email", NOW);

            // Ann's phone withdrew later, but that is another identifier
            assertThat(current).containsExactlyInAnyOrderEntriesOf(Map.of(EMAIL_ANN, Optional.of(ConsentStatus.GRANTED),
                    EMAIL_BOB, Optional.of(ConsentStatus.DENIED), "email-idx-cy", Optional.empty(), "email-idx-nobody", Optional.empty()));
            assertThat(ledger.currentOfEach(List.of(EMAIL_ANN, PHONE_ANN), "marketing_email", NOW).get(EMAIL_ANN))
                    .isEqualTo(ledger.current(List.of(EMAIL_ANN), "marketing_email", NOW));
        }

        @Test
        void eachSubjectKeepsItsDecidingEventPerConfiguredPurpose() {
            ConsentEvent annGranted = event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1);
            ConsentEvent annWithdrawn = event(EMAIL_ANN, "analytics", ConsentStatus.WITHDRAWN, T2);
            ConsentEvent annDenied = event(EMAIL_ANN, "marketing_email", ConsentStatus.DENIED, T2);
            ConsentEvent bobGranted = event(EMAIL_BOB, "analytics", ConsentStatus.GRANTED, T2);
            ConsentEvent bobDenied = event(EMAIL_BOB, "analytics", ConsentStatus.DENIED, T2);
            ledger.record(List.of(annWithdrawn, annGranted, annDenied, bobGranted, bobDenied,
                    event(PHONE_ANN, "no_longer_configured", ConsentStatus.GRANTED, T2)), "run-1");

            Map<String, ConsentEvent[]> deciding = ledger.decidingBySubject(List.of("marketing_email", "analytics"));

            assertThat(deciding).containsOnlyKeys(EMAIL_ANN, EMAIL_BOB);
            assertThat(deciding.get(EMAIL_ANN)).containsExactly(judged(annDenied), judged(annWithdrawn));
            // the same instant: the more restrictive decides, whichever the store returns first
            assertThat(deciding.get(EMAIL_BOB)).containsExactly(null, judged(bobDenied));
        }

        /** An event as read for judging: without its source and evidence, which decide nothing. */
        ConsentEvent judged(ConsentEvent e) {
            return new ConsentEvent(e.subject(), e.purpose(), e.status(), e.occurredAt(), null, null, e.expiresAt());
        }
    }

    /**
     * The deciding events are kept between reads, and a later read takes only the events after the
     * last one read: what it decides is what reading the whole ledger decides, also when an event
     * commits below what was read, or the store is another one.
     */
    @Nested
    class KeptBetweenReads {

        static final List<String> PURPOSES = List.of("marketing_email", "analytics");
        DataSource ds;
        JdbcClient jdbc;
        ConsentLedger ledger;

        @BeforeEach
        void migrate() {
            on(MemoryStore.migrated("consent-kept"));
        }

        ConsentLedger ledgerOn(DataSource store) {
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            JdbcClient client = JdbcClient.create(store);
            NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(store);
            return new ConsentLedger(client, named, new AuditLog(client, new BulkInsert(store, named), clock), new BulkInsert(store, named), clock);
        }

        /** What a ledger that has never read decides: the whole ledger, read now. */
        Map<String, List<ConsentEvent>> wholeRead() {
            return asLists(ledgerOn(ds).decidingBySubject(PURPOSES));
        }

        static Map<String, List<ConsentEvent>> asLists(Map<String, ConsentEvent[]> deciding) {
            Map<String, List<ConsentEvent>> lists = new java.util.TreeMap<>();
            deciding.forEach((subject, events) -> lists.put(subject, java.util.Arrays.asList(events.clone())));
            return lists;
        }

        @Test
        void aLaterReadFoldsInOnlyTheNewEventsAndDecidesAsTheWholeLedgerDoes() {
            aLaterReadFoldsInOnlyTheNewEvents();
        }

        @Test
        void anEventCommittedBelowTheLastOneReadIsNotMissed() {
            anEventCommittedBelowTheLastOneReadIsFound();
        }

        /** The same two on the PostgreSQL CI runs the suite against (skipped when absent). */
        @Test
        void onPostgresTooALaterReadDecidesAsTheWholeLedgerDoes() throws Exception {
            TestPostgres.inMigratedSchema("ledger_kept", (pool, schema) -> {
                on(pool);
                aLaterReadFoldsInOnlyTheNewEvents();
            });
            TestPostgres.inMigratedSchema("ledger_kept_below", (pool, schema) -> {
                on(pool);
                anEventCommittedBelowTheLastOneReadIsFound();
            });
        }

        void on(DataSource store) {
            ds = store;
            jdbc = JdbcClient.create(store);
            ledger = ledgerOn(store);
        }

        void aLaterReadFoldsInOnlyTheNewEvents() {
            ledger.record(List.of(event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1), event(EMAIL_BOB, "analytics", ConsentStatus.GRANTED, T1),
                    event(PHONE_ANN, "marketing_email", ConsentStatus.GRANTED, T1)), "run-1");
            Map<String, ConsentEvent[]> first = ledger.decidingBySubject(PURPOSES);
            Map<String, List<ConsentEvent>> firstAsRead = asLists(first);

            ledger.record(List.of(event(EMAIL_ANN, "analytics", ConsentStatus.WITHDRAWN, T2), event(EMAIL_ANN, "marketing_email", ConsentStatus.DENIED, T2),
                    event("email-idx-cy", "analytics", ConsentStatus.GRANTED, T2), event(EMAIL_BOB, "analytics", ConsentStatus.DENIED, T1.minusSeconds(60))), "run-2");
            Map<String, ConsentEvent[]> second = ledger.decidingBySubject(PURPOSES);

            assertThat(asLists(second)).isEqualTo(wholeRead()).containsKey("email-idx-cy");
            assertThat(second.get(EMAIL_ANN)[1].status()).isEqualTo(ConsentStatus.WITHDRAWN);
            // Bob's earlier denial decides nothing; nor is Ann's phone read again: its events are those kept
            assertThat(second.get(EMAIL_BOB)[1].status()).isEqualTo(ConsentStatus.GRANTED);
            assertThat(second.get(PHONE_ANN)).isSameAs(first.get(PHONE_ANN));
            // the first answer, still in its caller's hands, is as it was read
            assertThat(asLists(first)).isEqualTo(firstAsRead);
            assertThat(asLists(ledger.decidingBySubject(List.of("analytics")))).isEqualTo(asLists(ledgerOn(ds).decidingBySubject(List.of("analytics"))));
        }

        /** Ids are handed out before commit: an event given a lower id by another writer may commit after a read of higher ones. */
        void anEventCommittedBelowTheLastOneReadIsFound() {
            ledger.record(List.of(event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1)), "run-1");
            insertWithId(1_000, EMAIL_BOB, ConsentStatus.GRANTED, T1);
            ledger.decidingBySubject(PURPOSES);

            insertWithId(500, EMAIL_ANN, ConsentStatus.WITHDRAWN, T2);
            Map<String, ConsentEvent[]> later = ledger.decidingBySubject(PURPOSES);

            assertThat(later.get(EMAIL_ANN)[1].status()).isEqualTo(ConsentStatus.WITHDRAWN);
            assertThat(asLists(later)).isEqualTo(wholeRead());
        }

        /** A store migrated afresh (tests clean theirs between cases) holds another ledger, even where its ids and counts match. */
        @Test
        void anotherStoreIsReadWhole() throws InterruptedException {
            ledger.record(List.of(event(EMAIL_ANN, "analytics", ConsentStatus.GRANTED, T1)), "run-1");
            ledger.decidingBySubject(PURPOSES);

            Thread.sleep(5); // a migration a few milliseconds later: another time in the migration history
            var flyway = org.flywaydb.core.Flyway.configure().dataSource(ds).cleanDisabled(false).load();
            flyway.clean();
            flyway.migrate();
            ledger.record(List.of(event(EMAIL_BOB, "analytics", ConsentStatus.DENIED, T1)), "run-1");
            Map<String, ConsentEvent[]> after = ledger.decidingBySubject(PURPOSES);

            assertThat(after).containsOnlyKeys(EMAIL_BOB);
            assertThat(asLists(after)).isEqualTo(wholeRead());
        }

        void insertWithId(long id, String subject, ConsentStatus status, Instant at) {
            jdbc.sql("INSERT INTO consent_event (id, subject, purpose, status, occurred_at, recorded_at, source_system, evidence)"
                            + " VALUES (:id, :subject, 'analytics', :status, :at, :at, 'consent-platform', 'web-form')")
                    .param("id", id).param("subject", subject).param("status", status.name())
                    .param("at", java.sql.Timestamp.from(at)).update();
        }
    }
}
