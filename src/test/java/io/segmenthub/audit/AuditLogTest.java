package io.segmenthub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.TestPostgres;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class AuditLogTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00.123456789Z");

    JdbcClient jdbc;
    AuditLog audit;

    @BeforeEach
    void migrate() {
        DataSource ds = MemoryStore.migrated("audit");
        jdbc = JdbcClient.create(ds);
        audit = new AuditLog(jdbc, new BulkInsert(ds, new NamedParameterJdbcTemplate(ds)), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static AuditLog.Entry entry(String action, String subject, String detail) {
        return new AuditLog.Entry("run-1", "sync", action, subject, detail);
    }

    void appendFive() {
        audit.append(List.of(
                entry("CONSENT", "idx-1", "purpose=analytics status=granted"),
                entry("CONSENT", "idx-2", "purpose=analytics status=denied")));
        audit.append(entry("PUSH", "golden-1", "destination=email-marketing segment=champions"));
        audit.append(List.of(
                entry("ERASE", "golden-2", "shredded 2 data keys"),
                new AuditLog.Entry(null, "api", "ACCESS", null, "lineage export")));
    }

    /** A text column of one entry: a constant of the test's, never input. */
    String column(String name, long id) {
        return jdbc.sql("SELECT " + name + " FROM audit_log WHERE id = :id").param("id", id).query(String.class).single();
    }

    Instant at(long id) {
        return jdbc.sql("SELECT at FROM audit_log WHERE id = :id").param("id", id)
                .query((rs, n) -> io.segmenthub.system.Timestamps.read(rs, "at")).single();
    }

    List<Long> ids() {
        return jdbc.sql("SELECT id FROM audit_log ORDER BY id").query(Long.class).list();
    }

    @Test
    void anEmptyLogIsIntact() {
        assertThat(audit.verify()).isEqualTo(new AuditLog.Verification(true, 0, java.util.Optional.empty()));
    }

    @Test
    void appendsBuildAChainThatVerifies() {
        appendFive();

        AuditLog.Verification verification = audit.verify();

        assertThat(verification.intact()).isTrue();
        assertThat(verification.entries()).isEqualTo(5);
        assertThat(verification.firstBrokenId()).isEmpty();
    }

    @Test
    void aRunsWorthOfEntriesInOneCallIsStoredInOrderAndVerifies() {
        aRunsWorthOfEntriesIsStoredInOrderAndVerifies(audit, jdbc, 2 * AuditLog.PAGE + 2); // verified over three pages
    }

    /** On the PostgreSQL CI runs the suite against (skipped when absent), where the entries go in by COPY. */
    @Test
    void onPostgresARunsWorthOfEntriesIsStoredInOrderAndVerifies() throws Exception {
        TestPostgres.inMigratedSchema("audit", (pool, schema) -> {
            JdbcClient store = JdbcClient.create(pool);
            aRunsWorthOfEntriesIsStoredInOrderAndVerifies(new AuditLog(store, new BulkInsert(pool, new NamedParameterJdbcTemplate(pool)),
                    Clock.fixed(NOW, ZoneOffset.UTC)), store, 30_000);
        });
    }

    static void aRunsWorthOfEntriesIsStoredInOrderAndVerifies(AuditLog audit, JdbcClient jdbc, int entries) {
        audit.append(entry("PUSH", "golden-0", "before"));
        List<AuditLog.Entry> many = java.util.stream.IntStream.range(1, entries)
                .mapToObj(i -> entry("CONSENT", "idx-" + i, "n=" + i + (i % 1000 == 0 ? "\ttab\\slash" : ""))).toList();

        audit.append(many);

        assertThat(audit.verify()).isEqualTo(new AuditLog.Verification(true, entries, java.util.Optional.empty()));
        assertThat(jdbc.sql("SELECT subject FROM audit_log ORDER BY id").query(String.class).list())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, entries)
                        .mapToObj(i -> i == 0 ? "golden-0" : "idx-" + i).toList());
    }

    @Test
    void appendsFromTwoOpenTransactionsKeepOneChain() throws Exception {
        appendsFromTwoOpenTransactionsKeepOneChain(MemoryStore.migrated("audit-concurrent"));
    }

    @Test
    void onPostgresAppendsFromTwoOpenTransactionsKeepOneChain() throws Exception {
        TestPostgres.inMigratedSchema("audit", (pool, schema) -> appendsFromTwoOpenTransactionsKeepOneChain(pool));
    }

    /**
     * A sync's batch audits its consent events and commits some statements later; a console search
     * in between (or another hub instance's run) audits too. The second append has to wait for the
     * first transaction, or both chain to the same last entry and the log reads as tampered with.
     */
    static void appendsFromTwoOpenTransactionsKeepOneChain(DataSource ds) throws Exception {
        AuditLog log = logWithOneEntry(ds);

        boolean searchDoneBeforeBatchCommitted = secondDoneWhileFirstIsOpen(ds,
                () -> log.append(List.of(entry("CONSENT", "idx-1", "purpose=analytics status=granted"),
                        entry("CONSENT", "idx-2", "purpose=analytics status=denied"))),
                search(log));

        assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 4, java.util.Optional.empty()));
        assertThat(searchDoneBeforeBatchCommitted).as("the search's append waits for the batch's transaction").isFalse();
        assertThat(actions(ds)).containsExactly("CONFIG ", "CONSENT idx-1", "CONSENT idx-2", "PROFILE_SEARCH idx-3");
    }

    static AuditLog logWithOneEntry(DataSource ds) {
        AuditLog log = new AuditLog(JdbcClient.create(ds), new BulkInsert(ds, new NamedParameterJdbcTemplate(ds)),
                Clock.fixed(NOW, ZoneOffset.UTC));
        log.append(entry("CONFIG", null, "before"));
        return log;
    }

    static Runnable search(AuditLog log) {
        return () -> log.append(new AuditLog.Entry(null, "console", "PROFILE_SEARCH", "idx-3", "by e-mail"));
    }

    static List<String> actions(DataSource ds) {
        return JdbcClient.create(ds).sql("SELECT action || ' ' || COALESCE(subject, '') FROM audit_log ORDER BY id").query(String.class).list();
    }

    @Test
    void entriesAppendedAtCommitLetOtherAppendsThroughUntilThenAndFollowThem() throws Exception {
        entriesAppendedAtCommitLetOtherAppendsThroughUntilThenAndFollowThem(MemoryStore.migrated("audit-at-commit"));
    }

    @Test
    void onPostgresEntriesAppendedAtCommitLetOtherAppendsThroughUntilThenAndFollowThem() throws Exception {
        TestPostgres.inMigratedSchema("audit", (pool, schema) -> entriesAppendedAtCommitLetOtherAppendsThroughUntilThenAndFollowThem(pool));
    }

    /** A sync's batch audits its consent events at its commit: a search in the meantime need not wait for the batch. */
    static void entriesAppendedAtCommitLetOtherAppendsThroughUntilThenAndFollowThem(DataSource ds) throws Exception {
        AuditLog log = logWithOneEntry(ds);

        boolean searchDoneBeforeBatchCommitted = secondDoneWhileFirstIsOpen(ds,
                () -> {
                    log.appendAtCommit(List.of(entry("CONSENT", "idx-1", "purpose=analytics status=granted")));
                    log.appendAtCommit(List.of(entry("CONSENT", "idx-2", "purpose=analytics status=denied")));
                },
                search(log));

        assertThat(searchDoneBeforeBatchCommitted).as("the search's append goes through while the batch is open").isTrue();
        assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 4, java.util.Optional.empty()));
        assertThat(actions(ds)).containsExactly("CONFIG ", "PROFILE_SEARCH idx-3", "CONSENT idx-1", "CONSENT idx-2");
    }

    @Test
    void entriesAppendedAtCommitGoWithATransactionThatRollsBackAndAtOnceOutsideOne() {
        DataSource ds = MemoryStore.migrated("audit-rollback");
        AuditLog log = logWithOneEntry(ds);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));

        tx.executeWithoutResult(status -> {
            log.appendAtCommit(List.of(entry("CONSENT", "idx-1", "rolled back")));
            status.setRollbackOnly();
        });
        log.appendAtCommit(List.of(entry("CONSENT", "idx-2", "no transaction")));
        tx.executeWithoutResult(status -> log.appendAtCommit(List.of(entry("CONSENT", "idx-3", "committed"))));

        assertThat(actions(ds)).containsExactly("CONFIG ", "CONSENT idx-2", "CONSENT idx-3");
        assertThat(log.verify().intact()).isTrue();
    }

    /**
     * Runs {@code first} in a transaction left open, then {@code second} in a transaction of its own
     * on another thread, and commits the first half a second later; says whether the second had
     * finished by then. Both have finished when it returns.
     */
    static boolean secondDoneWhileFirstIsOpen(DataSource ds, Runnable first, Runnable second) throws Exception {
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        CountDownLatch firstDone = new CountDownLatch(1);
        CountDownLatch firstMayCommit = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> one = threads.submit(() -> tx.executeWithoutResult(status -> {
                first.run();
                firstDone.countDown();
                try {
                    firstMayCommit.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(firstDone.await(30, TimeUnit.SECONDS)).isTrue();
            Future<?> two = threads.submit(() -> tx.executeWithoutResult(status -> second.run()));
            boolean secondDone;
            try {
                two.get(500, TimeUnit.MILLISECONDS);
                secondDone = true;
            } catch (TimeoutException stillWaiting) {
                secondDone = false;
            }
            firstMayCommit.countDown();
            one.get(30, TimeUnit.SECONDS);
            two.get(30, TimeUnit.SECONDS);
            return secondDone;
        } finally {
            firstMayCommit.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void eachEntryPointsAtThePreviousHashStartingFromGenesis() {
        appendFive();

        List<String[]> rows = jdbc.sql("SELECT prev_hash, hash FROM audit_log ORDER BY id")
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).list();

        assertThat(rows.get(0)[0]).isEqualTo(AuditLog.GENESIS);
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i)[0]).isEqualTo(rows.get(i - 1)[1]);
        }
        assertThat(rows).extracting(r -> r[1]).doesNotHaveDuplicates().allMatch(h -> h.matches("[0-9a-f]{64}"));
    }

    @Test
    void anExportOfMoreThanAPageHandsOnEveryEntryInTheWindowOnceInOrder() {
        audit.append(java.util.stream.IntStream.range(0, AuditLog.PAGE + 5)
                .mapToObj(i -> entry(i % 2 == 0 ? "CONSENT" : "PUSH_ADD", "idx-" + i, "n=" + i)).toList());
        List<Object> consent = new java.util.ArrayList<>();
        List<Object> all = new java.util.ArrayList<>();

        audit.between(NOW.minusSeconds(1), NOW.plusSeconds(1), java.util.Optional.of("CONSENT"), row -> consent.add(row.get("subject")));
        audit.between(NOW.minusSeconds(1), NOW.plusSeconds(1), java.util.Optional.empty(), row -> all.add(row.get("id")));

        assertThat(consent).hasSize(AuditLog.PAGE / 2 + 3).startsWith("idx-0", "idx-2").endsWith("idx-" + (AuditLog.PAGE + 4));
        assertThat(all).containsExactlyElementsOf(ids().stream().map(Object.class::cast).toList());
    }

    @Test
    void countsEntriesByAction() {
        appendFive();

        assertThat(audit.count("CONSENT")).isEqualTo(2);
        assertThat(audit.count("PUSH")).isEqualTo(1);
        assertThat(audit.count("MERGE")).isZero();
    }

    @Nested
    class Tampering {

        @Test
        void aChangedDetailIsReportedAsTheFirstBrokenEntry() {
            appendFive();
            long third = ids().get(2);

            jdbc.sql("UPDATE audit_log SET detail = 'destination=somewhere-else' WHERE id = :id").param("id", third).update();

            AuditLog.Verification verification = audit.verify();
            assertThat(verification.intact()).isFalse();
            assertThat(verification.firstBrokenId()).contains(third);
        }

        @Test
        void aChangedSubjectIsDetected() {
            appendFive();
            long first = ids().get(0);

            jdbc.sql("UPDATE audit_log SET subject = 'idx-9' WHERE id = :id").param("id", first).update();

            assertThat(audit.verify().firstBrokenId()).contains(first);
        }

        @Test
        void aDeletedMiddleEntryBreaksTheChainAtTheNextEntry() {
            appendFive();
            List<Long> ids = ids();

            jdbc.sql("DELETE FROM audit_log WHERE id = :id").param("id", ids.get(2)).update();

            AuditLog.Verification verification = audit.verify();
            assertThat(verification.intact()).isFalse();
            assertThat(verification.entries()).isEqualTo(4);
            assertThat(verification.firstBrokenId()).contains(ids.get(3));
        }

        @Test
        void aChangedEntryOnALaterPageIsFoundAndTheHashesAskedForAreThoseBeforeIt() {
            audit.append(java.util.stream.IntStream.range(0, AuditLog.PAGE + 5).mapToObj(i -> entry("CONSENT", "idx-" + i, "n=" + i)).toList());
            List<Long> ids = ids();
            String tenth = column("hash", ids.get(9));
            long changed = ids.get(AuditLog.PAGE + 2);
            jdbc.sql("UPDATE audit_log SET detail = 'n=0' WHERE id = :id").param("id", changed).update();

            AuditLog.Verification verification = audit.verify(java.util.Set.of(10L, AuditLog.PAGE + 4L));

            assertThat(verification.firstBrokenId()).contains(changed);
            assertThat(verification.entries()).isEqualTo(AuditLog.PAGE + 5);
            assertThat(verification.hashesAt()).isEqualTo(java.util.Map.of(10L, tenth));
        }

        @Test
        void anUnchangedEntryChainedToAnEarlierOneIsNamedWithIt() {
            appendFive();
            List<Long> ids = ids();
            // what two appends at once left before the chain's lock: the fourth entry chained to the second
            String second = column("hash", ids.get(1));
            jdbc.sql("UPDATE audit_log SET prev_hash = :prev, hash = :hash WHERE id = :id").param("prev", second)
                    .param("hash", AuditLog.hash(second, at(ids.get(3)), entry("ERASE", "golden-2", "shredded 2 data keys")))
                    .param("id", ids.get(3)).update();

            AuditLog.Verification verification = audit.verify();

            assertThat(verification.intact()).isFalse();
            assertThat(verification.firstBrokenId()).contains(ids.get(3));
            assertThat(verification.chainsTo()).contains(ids.get(1));
        }

        @Test
        void aChangedEntryIsNotTakenForOneChainedToAnEarlierOne() {
            appendFive();
            long third = ids().get(2);

            jdbc.sql("UPDATE audit_log SET detail = 'destination=somewhere-else' WHERE id = :id").param("id", third).update();

            assertThat(audit.verify().chainsTo()).isEmpty();
        }

        @Test
        void aRehashedEntryStillBreaksTheChainAfterIt() {
            appendFive();
            List<Long> ids = ids();
            String forged = AuditLog.hash(column("prev_hash", ids.get(1)), at(ids.get(1)), entry("CONSENT", "idx-2", "purpose=analytics status=granted"));

            jdbc.sql("UPDATE audit_log SET detail = 'purpose=analytics status=granted', hash = :hash WHERE id = :id")
                    .param("hash", forged).param("id", ids.get(1)).update();

            assertThat(audit.verify().firstBrokenId()).contains(ids.get(2));
        }
    }
}
