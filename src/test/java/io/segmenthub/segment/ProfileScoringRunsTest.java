package io.segmenthub.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubSettings;
import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.TestPostgres;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs of the score stage one after another over one store: the scores come out the same as if
 * computed afresh, only the rows that changed are written, and the CLV fit is kept while the as-of
 * day and currency stay and few buyers' histories changed since it was made.
 */
class ProfileScoringRunsTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final LocalDate AS_OF = LocalDate.parse("2026-06-01");
    static final int PROFILES = 200;

    DataSource ds;
    JdbcClient jdbc;
    int transactions;

    @BeforeEach
    void store() {
        use(MemoryStore.migrated("profile-scoring-runs"));
    }

    /** Fills {@code store}, a migrated and empty hub store, with the profiles and their purchases, and scores on it from now on. */
    void use(DataSource store) {
        ds = store;
        jdbc = JdbcClient.create(ds);
        transactions = 0;
        Random random = new Random(11);
        for (int i = 0; i < PROFILES; i++) {
            String golden = golden(i);
            jdbc.sql("INSERT INTO golden_profile (golden_id, created_at, updated_at, run_id) VALUES (:g, :at, :at, 'run-0')")
                    .param("g", golden).param("at", Timestamp.from(NOW)).update();
            jdbc.sql("""
                            INSERT INTO source_record (id, system, record_id, connector_id, source_updated_at, ingested_at, run_id,
                                                       attributes, present, invalid, content_hash)
                            VALUES (:id, 'erp', :record, 'erp', :at, :at, 'run-0', '{}', '', '', 'hash')""")
                    .param("id", i + 1).param("record", "K" + i).param("at", Timestamp.from(NOW)).update();
            jdbc.sql("INSERT INTO record_golden (source_record_id, golden_id) VALUES (:id, :g)").param("id", i + 1).param("g", golden).update();
            // one in eight never bought; the others buy every few weeks for a while, then some stop
            if (i % 8 == 0) {
                continue;
            }
            LocalDate on = AS_OF.minusDays(60 + random.nextInt(400));
            int purchases = 1 + random.nextInt(6);
            for (int p = 0; p < purchases && !on.isAfter(AS_OF); p++) {
                buy(i, on, new BigDecimal(15 + random.nextInt(120) + ".50"));
                on = on.plusDays(7 + random.nextInt(60));
            }
        }
    }

    @Test
    void aRunOverUnchangedHistoriesKeepsTheFitAndWritesNoScore() {
        SyncRun first = score("run-1", 0.01, AS_OF);
        assertThat(first.report().notes().get("clv")).startsWith("BG/NBD r=").endsWith("; fitted this run");
        assertThat(first.report().notes().get("scores written")).isEqualTo(PROFILES + " (all)");
        Map<String, List<Object>> before = scores();
        assertThat(before.values()).filteredOn(row -> row.get(10) != null).hasSizeGreaterThan(100); // valued: p_alive is there

        SyncRun second = score("run-2", 0.01, AS_OF);

        assertThat(second.report().notes().get("clv")).contains("; the fit of run run-1 kept (0 of its ");
        assertThat(second.report().notes().get("scores written")).isEqualTo("0 changed of " + PROFILES + ", 0 removed");
        assertThat(scores()).isEqualTo(before);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM profile_score WHERE run_id = 'run-1'").query(Long.class).single()).isEqualTo(PROFILES);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM clv_fit").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aChangedHistoryIsScoredAgainWithTheKeptFitAndOnlyChangedRowsAreWritten() {
        score("run-1", 0.01, AS_OF);
        Map<String, List<Object>> before = scores();
        buy(5, AS_OF.minusDays(3), new BigDecimal("80.00"));

        SyncRun second = score("run-2", 0.01, AS_OF);

        assertThat(second.report().notes().get("clv")).contains("; the fit of run run-1 kept (1 of its ", "1 in this run");
        Map<String, List<Object>> after = scores();
        assertThat(after.get(golden(5)).get(0)).isEqualTo(((Integer) before.get(golden(5)).get(0)) + 1);
        long rewritten = jdbc.sql("SELECT COUNT(*) FROM profile_score WHERE run_id = 'run-2'").query(Long.class).single();
        long differ = before.keySet().stream().filter(g -> !before.get(g).equals(after.get(g))).count();
        // what was written is exactly what differs: the buyer, and anyone the moved quintile cut points moved
        assertThat(rewritten).isEqualTo(differ).isBetween(1L, PROFILES / 4L);
        assertThat(second.report().notes().get("scores written")).isEqualTo(differ + " changed of " + PROFILES + ", 0 removed");
        // the values of the rows kept are what a fresh scoring of the same store makes with the same fit
        assertThat(after).isEqualTo(scoresOfAFreshStoreCopy("run-1"));
    }

    @Test
    void changesAddUpUntilTheyPassTheShareThenTheModelsAreFittedAgain() {
        score("run-1", 0.01, AS_OF); // 175 buyers: 1 % is 1.75 changed histories
        buy(1, AS_OF.minusDays(2), new BigDecimal("20.00"));
        assertThat(score("run-2", 0.01, AS_OF).report().notes().get("clv")).contains("the fit of run run-1 kept (1 of its 175");
        buy(2, AS_OF.minusDays(2), new BigDecimal("20.00"));

        SyncRun third = score("run-3", 0.01, AS_OF);

        assertThat(third.report().notes().get("clv")).endsWith("; fitted this run");
        assertThat(jdbc.sql("SELECT run_id FROM clv_fit ORDER BY run_id").query(String.class).list()).containsExactly("run-1", "run-3");
        assertThat(score("run-4", 0.01, AS_OF).report().notes().get("clv")).contains("the fit of run run-3 kept (0 of its");
    }

    @Test
    void anotherAsOfDayOrAShareOfNothingFitsEveryRun() {
        score("run-1", 0.01, AS_OF);

        assertThat(score("run-2", 0.01, AS_OF.plusDays(1)).report().notes().get("clv")).endsWith("; fitted this run");
        assertThat(score("run-3", 0.0, AS_OF.plusDays(1)).report().notes().get("clv")).contains("the fit of run run-2 kept (0 of");
        buy(3, AS_OF.minusDays(1), new BigDecimal("20.00"));
        assertThat(score("run-4", 0.0, AS_OF.plusDays(1)).report().notes().get("clv")).endsWith("; fitted this run");
    }

    @Test
    void aProfileNoLongerActiveLosesItsScoresAndNoProfileKeepsAnOldCluster() {
        score("run-1", 0.01, AS_OF);
        jdbc.sql("UPDATE profile_score SET cluster_id = 'c1'").update();
        jdbc.sql("UPDATE golden_profile SET erased_at = :at WHERE golden_id = :g").param("at", Timestamp.from(NOW)).param("g", golden(9)).update();

        SyncRun second = score("run-2", 0.01, AS_OF);

        assertThat(second.report().notes().get("scores written")).endsWith(", 1 removed");
        assertThat(scores()).doesNotContainKey(golden(9)).hasSize(PROFILES - 1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM profile_score WHERE cluster_id IS NOT NULL").query(Long.class).single()).isZero();
    }

    @Test
    void onPostgresTheChangedRowsGoInByCopyAndTheOthersStayAsTheyWere() throws Exception {
        onPostgres("profile_scoring_runs", this::aChangedHistoryIsScoredAgainWithTheKeptFitAndOnlyChangedRowsAreWritten);
    }

    /** Runs {@code test} again on a migrated PostgreSQL schema of its own. */
    void onPostgres(String schema, Runnable test) throws Exception {
        TestPostgres.inMigratedSchema(schema, (pool, name) -> {
            use(pool);
            test.run();
        });
    }

    @Test
    void aRunResolvedAroundItsChangeReadsOnlyTheProfilesThatMayHaveChangedAndScoresAsAFreshScoringWould() {
        score("run-1", 0.05, AS_OF);
        Map<String, List<Object>> before = scores();
        buy(5, AS_OF.minusDays(3), new BigDecimal("80.00")); // stored between runs, outside any resolution scope
        event(7);
        // the resolution merged profile 12 into 13: both are in its scope
        jdbc.sql("UPDATE record_golden SET golden_id = :g WHERE source_record_id = 13").param("g", golden(13)).update();
        jdbc.sql("UPDATE golden_profile SET merged_into = :g WHERE golden_id = :m").param("g", golden(13)).param("m", golden(12)).update();
        // an erasure took profile 9 and its purchases away
        jdbc.sql("UPDATE golden_profile SET erased_at = :at WHERE golden_id = :g").param("at", Timestamp.from(NOW)).param("g", golden(9)).update();
        jdbc.sql("DELETE FROM profile_score WHERE golden_id = :g").param("g", golden(9)).update();
        jdbc.sql("DELETE FROM purchase WHERE record_id = 'K9'").update();

        SyncRun second = score("run-2", 0.05, AS_OF, Set.of(golden(12), golden(13)));

        assertThat(second.report().notes().get("scored")).isEqualTo("incremental: 3 profiles whose records, purchases or events changed"
                + " since run run-1 read again, the other " + (PROFILES - 5) + " kept their stored histories");
        assertThat(second.report().notes().get("clv")).contains("; the fit of run run-1 kept (");
        Map<String, List<Object>> after = scores();
        assertThat(after.get(golden(5)).get(0)).isEqualTo(((Integer) before.get(golden(5)).get(0)) + 1);
        assertThat(after.get(golden(7)).get(3)).isEqualTo(1);
        assertThat(after).doesNotContainKeys(golden(9), golden(12));
        assertThat(after.get(golden(13)).get(0))
                .isEqualTo(((Integer) before.get(golden(12)).get(0)) + ((Integer) before.get(golden(13)).get(0)));
        assertThat(after).isEqualTo(scoresOfAFreshStoreCopy("run-1"));

        SyncRun third = score("run-3", 0.05, AS_OF, Set.of());
        assertThat(third.report().notes().get("scored")).startsWith("incremental: 0 profiles");
        assertThat(third.report().notes().get("scores written")).isEqualTo("0 changed of " + (PROFILES - 2) + ", 0 removed");
    }

    @Test
    void onPostgresTheProfilesThatMayHaveChangedAreLookedUpByIndexWithTheSameResult() throws Exception {
        onPostgres("profile_scoring_scoped", this::aRunResolvedAroundItsChangeReadsOnlyTheProfilesThatMayHaveChangedAndScoresAsAFreshScoringWould);
    }

    @Test
    void theRowsOfTheLastScoringAreKeptBetweenRunsOnlyWhileTheStoreHoldsThem() {
        ProfileScoring here = scoring(jdbc, ds, 0.05, AS_OF);
        here.score(run("run-1", Set.of()));
        buy(5, AS_OF.minusDays(3), new BigDecimal("80.00"));
        event(7);

        SyncRun second = here.score(run("run-2", Set.of()));

        assertThat(second.report().notes().get("stored scores")).isEqualTo(PROFILES + " as scored by run run-1, kept since");
        assertThat(second.report().notes().get("scores written")).doesNotStartWith("0 changed");
        assertThat(scores()).isEqualTo(scoresOfAFreshStoreCopy("run-1"));

        // an erasure took a row away: the rows kept are not the store's, so they are read again
        jdbc.sql("UPDATE golden_profile SET erased_at = :at WHERE golden_id = :g").param("at", Timestamp.from(NOW)).param("g", golden(9)).update();
        jdbc.sql("DELETE FROM profile_score WHERE golden_id = :g").param("g", golden(9)).update();
        SyncRun third = here.score(run("run-3", Set.of()));
        assertThat(third.report().notes()).doesNotContainKey("stored scores");
        assertThat(third.report().notes().get("scores written")).endsWith(" of " + (PROFILES - 1) + ", 0 removed");
        assertThat(scores()).isEqualTo(scoresOfAFreshStoreCopy("run-1"));

        // a run that rolled back after scoring: the store holds run 3's rows and basis, not what run 4 wrote
        buy(20, AS_OF.minusDays(2), new BigDecimal("45.00"));
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(ds));
        transaction.executeWithoutResult(status -> {
            here.score(run("run-4", Set.of()));
            status.setRollbackOnly();
        });
        SyncRun fifth = here.score(run("run-5", Set.of()));
        assertThat(fifth.report().notes()).doesNotContainKey("stored scores");
        assertThat(scores()).isEqualTo(scoresOfAFreshStoreCopy("run-1"));

        // another instance scored since: its rows are read, not this one's
        buy(30, AS_OF.minusDays(2), new BigDecimal("60.00"));
        scoring(jdbc, ds, 0.05, AS_OF).score(run("run-6", Set.of()));
        buy(31, AS_OF.minusDays(2), new BigDecimal("70.00"));
        SyncRun seventh = here.score(run("run-7", Set.of()));
        assertThat(seventh.report().notes()).doesNotContainKey("stored scores");
        assertThat(scores()).isEqualTo(scoresOfAFreshStoreCopy("run-1"));
        assertThat(here.score(run("run-8", Set.of())).report().notes().get("stored scores"))
                .isEqualTo((PROFILES - 1) + " as scored by run run-7, kept since");
    }

    @Test
    void onPostgresTheRowsKeptAreThoseTheStoreGivesBack() throws Exception {
        onPostgres("profile_scoring_kept", this::theRowsOfTheLastScoringAreKeptBetweenRunsOnlyWhileTheStoreHoldsThem);
    }

    @Test
    void everyProfileIsReadWhenTheRunResolvedEverythingOrTheDaySettingsOrFitMoved() {
        score("run-1", 0.05, AS_OF);
        assertThat(score("run-2", 0.05, AS_OF).report().notes().get("scored"))
                .isEqualTo("every profile's purchases and events read: this run resolved every record");
        assertThat(score("run-3", 0.05, AS_OF.plusDays(1), Set.of()).report().notes().get("scored"))
                .isEqualTo("every profile's purchases and events read: the as-of day moved from " + AS_OF);
        for (int i = 1; i < 40; i++) { // a fifth of the buyers, above the refit share
            buy(i, AS_OF.minusDays(1), new BigDecimal("10.00"));
        }
        SyncRun refit = score("run-4", 0.05, AS_OF.plusDays(1), Set.of());
        assertThat(refit.report().notes().get("scored")).isEqualTo("every profile's purchases and events read: the CLV fit of run run-3"
                + " does not serve this run");
        assertThat(refit.report().notes().get("clv")).endsWith("; fitted this run");
        var other = new HubSettings.Scoring(AS_OF.plusDays(1), "CNY", Map.of("USD", new BigDecimal("7.1")), null,
                new HubSettings.Scoring.Clv(null, null, null, 0.05), null);
        assertThat(scoring(jdbc, ds, other).score(run("run-5", Set.of())).report().notes().get("scored"))
                .isEqualTo("every profile's purchases and events read: the scoring settings changed");
        assertThat(scoring(jdbc, ds, other).score(run("run-6", Set.of())).report().notes().get("scored")).startsWith("incremental: 0 ");
    }

    @Test
    void scoringTheSameSettingsGivesTheSameFingerprintWhateverTheOrderOrScaleOfTheirRates() {
        var clv = new HubSettings.Scoring.Clv(null, null, null, 0.05);
        Map<String, BigDecimal> rates = new TreeMap<>(Map.of("USD", new BigDecimal("7.10"), "EUR", new BigDecimal("7.8")));
        Map<String, BigDecimal> same = new java.util.LinkedHashMap<>();
        same.put("EUR", new BigDecimal("7.80"));
        same.put("USD", new BigDecimal("7.1"));
        assertThat(ScoreBasis.fingerprint(new HubSettings.Scoring(AS_OF, "CNY", rates, null, clv, null)))
                .isEqualTo(ScoreBasis.fingerprint(new HubSettings.Scoring(AS_OF.plusDays(3), "CNY", same, null,
                        new HubSettings.Scoring.Clv(null, null, null, 0.5), null)))
                .isNotEqualTo(ScoreBasis.fingerprint(new HubSettings.Scoring(AS_OF, "CNY", Map.of("USD", new BigDecimal("7.1")), null, clv, null)))
                .isNotEqualTo(ScoreBasis.fingerprint(new HubSettings.Scoring(AS_OF, "CNY", rates, null,
                        new HubSettings.Scoring.Clv(24, null, null, 0.05), null)));
    }

    @Test
    void scoresAreTheSameWhateverTheScaleOrBoxOfTheirNumbers() {
        Object[] row = {"G", "run-2", 3, new BigDecimal("2.5"), AS_OF, 4L, 1, 2, 3, "Champions", "high", null, 0.25, 1.5, AS_OF};
        Object[] stored = {"G", "run-1", 3, new BigDecimal("2.50"), AS_OF, 4L, 1, 2, 3, "Champions", "high", null, 0.25, 1.5, AS_OF};
        assertThat(ProfileScoring.sameScores(row, stored)).isTrue();
        stored[5] = 4; // an event count read back as an int
        assertThat(ProfileScoring.sameScores(row, stored)).isTrue();
        stored[11] = new BigDecimal("0.00");
        assertThat(ProfileScoring.sameScores(row, stored)).as("no CLV is not a CLV of 0").isFalse();
        stored[11] = null;
        stored[12] = 0.2500000001;
        assertThat(ProfileScoring.sameScores(row, stored)).isFalse();
    }

    SyncRun score(String runId, double refitShare, LocalDate asOf) {
        return scoring(jdbc, ds, refitShare, asOf).score(new SyncRun(runId, "nightly", "test", NOW, List.of(), List.of()));
    }

    /** A run whose resolution was scoped to {@code resolved}. */
    SyncRun score(String runId, double refitShare, LocalDate asOf, Set<String> resolved) {
        return scoring(jdbc, ds, refitShare, asOf).score(run(runId, resolved));
    }

    static SyncRun run(String runId, Set<String> resolved) {
        SyncRun run = new SyncRun(runId, "nightly", "test", NOW, List.of(), List.of());
        run.profilesInScope(resolved);
        return run;
    }

    static ProfileScoring scoring(JdbcClient jdbc, DataSource ds, double refitShare, LocalDate asOf) {
        var clv = new HubSettings.Scoring.Clv(null, null, null, refitShare);
        return scoring(jdbc, ds, new HubSettings.Scoring(asOf, "CNY", Map.of(), null, clv, null));
    }

    static ProfileScoring scoring(JdbcClient jdbc, DataSource ds, HubSettings.Scoring scoring) {
        HubConfig config = new HubConfig(Path.of("."), new HubSettings(List.of("email"), "GB", null, scoring), List.of(), List.of(),
                List.of(), Map.of(), List.of());
        return new ProfileScoring(jdbc, new NamedParameterJdbcTemplate(ds), new BulkInsert(ds, new NamedParameterJdbcTemplate(ds)), config,
                Clock.fixed(NOW, ZoneOffset.UTC),
                new ClvFits(jdbc), new ScoreBasis(jdbc));
    }

    /** The same purchases and profiles in a new store, with this store's CLV fit, scored once. */
    Map<String, List<Object>> scoresOfAFreshStoreCopy(String fitRun) {
        DataSource copy = MemoryStore.migrated("profile-scoring-copy");
        JdbcClient other = JdbcClient.create(copy);
        for (String table : List.of("golden_profile", "source_record", "record_golden", "purchase", "engagement_event", "clv_fit")) {
            List<Map<String, Object>> rows = jdbc.sql("SELECT * FROM " + table).query().listOfRows();
            for (Map<String, Object> row : rows) {
                String columns = String.join(", ", row.keySet());
                String values = ":" + String.join(", :", row.keySet());
                var insert = other.sql("INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")");
                for (Map.Entry<String, Object> e : row.entrySet()) {
                    insert = insert.param(e.getKey(), e.getValue());
                }
                insert.update();
            }
        }
        other.sql("DELETE FROM clv_fit WHERE run_id <> :r").param("r", fitRun).update();
        // every history is new to the copy's empty scores: nothing changed since the fit, and a share of 1, keep it all the same
        other.sql("UPDATE clv_fit SET changed_since = 0").update();
        SyncRun scored = scoring(other, copy, 1.0, AS_OF).score(new SyncRun("run-copy", "nightly", "test", NOW, List.of(), List.of()));
        assertThat(scored.report().notes().get("clv")).contains("the fit of run " + fitRun + " kept");
        return scores(other);
    }

    void buy(int profile, LocalDate on, BigDecimal amount) {
        jdbc.sql("""
                        INSERT INTO purchase (system, tx_id, record_id, occurred_on, amount, currency, run_id)
                        VALUES ('erp', :tx, :record, :on, :amount, 'CNY', 'run-0')""")
                .param("tx", "T" + transactions++).param("record", "K" + profile).param("on", on).param("amount", amount).update();
    }

    void event(int profile) {
        jdbc.sql("""
                        INSERT INTO engagement_event (system, event_id, record_id, event_type, occurred_at, run_id)
                        VALUES ('erp', :id, :record, 'visit', :at, 'run-0')""")
                .param("id", "E" + transactions++).param("record", "K" + profile).param("at", Timestamp.from(NOW)).update();
    }

    Map<String, List<Object>> scores() {
        return scores(jdbc);
    }

    /** Every stored score but the run that wrote it, by golden id. */
    static Map<String, List<Object>> scores(JdbcClient jdbc) {
        Map<String, List<Object>> scores = new TreeMap<>();
        jdbc.sql("""
                        SELECT golden_id, orders, revenue, last_purchase, events, recency, frequency, monetary, rfm_segment, value_type, clv,
                               p_alive, expected_purchases, first_purchase FROM profile_score""")
                .query(rs -> {
                    List<Object> row = new java.util.ArrayList<>();
                    for (int c = 2; c <= 14; c++) {
                        row.add(rs.getObject(c));
                    }
                    scores.put(rs.getString(1), row);
                });
        return scores;
    }

    static String golden(int i) {
        return "G-%03d".formatted(i);
    }
}
