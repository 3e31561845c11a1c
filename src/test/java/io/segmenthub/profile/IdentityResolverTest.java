package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.pipeline.RunReport;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Resolution on a migrated H2 store: records and their blind indexes are inserted with plain SQL. */
class IdentityResolverTest {

    static final Instant T1 = Instant.parse("2026-01-01T02:00:00Z");
    static final Instant T2 = Instant.parse("2026-01-02T02:00:00Z");
    static final Instant T3 = Instant.parse("2026-01-03T02:00:00Z");

    JdbcClient jdbc;
    SourceRecordStore records;
    GoldenProfileStore profiles;
    final Deque<String> newIds = new ArrayDeque<>();

    @BeforeEach
    void migrate() {
        DataSource ds = MemoryStore.migrated("resolve");
        jdbc = JdbcClient.create(ds);
        var named = new NamedParameterJdbcTemplate(ds);
        records = new SourceRecordStore(jdbc, named, new io.segmenthub.system.BulkInsert(ds, named));
        profiles = new GoldenProfileStore(jdbc, named, new io.segmenthub.system.BulkInsert(ds, named));
    }

    /** Golden ids handed out in this order; running out fails the test. */
    void nextIds(String... ids) {
        newIds.addAll(List.of(ids));
    }

    RunReport resolve(String runId, Instant at) {
        var resolver = new IdentityResolver(records, profiles, Clock.fixed(at, ZoneOffset.UTC), () -> {
            assertThat(newIds).as("unexpected new golden id").isNotEmpty();
            return newIds.pop();
        });
        return resolver.resolve(new SyncRun(runId, "nightly", "test", at, List.of(), List.of())).report();
    }

    /** A stored record; {@code indexes} are "email:hash" or "phone:hash". */
    void record(long id, String system, String runId, Instant updated, String... indexes) {
        jdbc.sql("""
                        INSERT INTO source_record (id, system, record_id, connector_id, source_updated_at, ingested_at, run_id,
                                                   attributes, present, invalid, content_hash)
                        VALUES (:id, :system, :recordId, :system, :updated, :updated, :run, '{}', 'email,phone', '', :hash)""")
                .param("id", id).param("system", system).param("recordId", system + "-" + id)
                .param("updated", Timestamps.utc(updated)).param("run", runId).param("hash", "hash-" + id)
                .update();
        for (String index : indexes) {
            String[] kindValue = index.split(":");
            jdbc.sql("INSERT INTO record_index (source_record_id, kind, hashed) VALUES (:id, :kind, :hashed)")
                    .param("id", id).param("kind", kindValue[0]).param("hashed", kindValue[1]).update();
        }
    }

    Map<Long, String> goldenByRecord() {
        Map<Long, String> byRecord = new java.util.TreeMap<>();
        jdbc.sql("SELECT r.id, g.golden_id FROM source_record r LEFT JOIN record_golden g ON g.source_record_id = r.id").query(rs -> {
            byRecord.put(rs.getLong(1), rs.getString(2));
        });
        return byRecord;
    }

    record ChangeRow(String kind, String goldenId, String otherId, String evidence, String runId) {
    }

    List<ChangeRow> changes() {
        return jdbc.sql("SELECT kind, golden_id, other_id, evidence, run_id FROM profile_change ORDER BY id")
                .query((rs, n) -> new ChangeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list();
    }

    @Test
    void theFirstRunCreatesOneGoldenProfilePerComponent() {
        record(1, "crm", "run-1", T1, "email:e-ann");
        record(2, "erp", "run-1", T1, "email:e-ann", "phone:p-ann");
        record(3, "social", "run-1", T1, "phone:p-ann");
        record(4, "crm", "run-1", T1, "email:e-bob");
        record(5, "web", "run-1", T1);
        nextIds("g-1", "g-2", "g-3");

        RunReport report = resolve("run-1", T1);

        assertThat(goldenByRecord()).containsExactly(
                Map.entry(1L, "g-1"), Map.entry(2L, "g-1"), Map.entry(3L, "g-1"), Map.entry(4L, "g-2"), Map.entry(5L, "g-3"));
        assertThat(profiles.all()).containsOnlyKeys("g-1", "g-2", "g-3");
        assertThat(profiles.all().get("g-1").createdAt()).isEqualTo(T1);
        assertThat(report.profiles().created()).isEqualTo(3);
        assertThat(report.profiles().total()).isEqualTo(3);
        assertThat(report.profiles().merged()).isZero();
        assertThat(changes()).isEmpty();
    }

    @Test
    void goldenIdsStayTheSameWhenNothingChanged() {
        record(1, "crm", "run-1", T1, "email:e-ann");
        record(2, "erp", "run-1", T1, "email:e-ann");
        record(3, "crm", "run-1", T1, "email:e-bob");
        nextIds("g-1", "g-2");
        resolve("run-1", T1);
        Map<Long, String> before = goldenByRecord();

        RunReport report = resolve("run-2", T2);

        assertThat(goldenByRecord()).isEqualTo(before);
        assertThat(profiles.all()).containsOnlyKeys("g-1", "g-2");
        assertThat(report.profiles().created()).isZero();
        assertThat(report.profiles().updated()).isZero();
        assertThat(report.profiles().merged()).isZero();
        assertThat(report.profiles().split()).isZero();
        assertThat(changes()).isEmpty();
    }

    @Test
    void aNewRecordJoiningAProfileUpdatesItWithoutANewId() {
        record(1, "crm", "run-1", T1, "email:e-ann");
        nextIds("g-1");
        resolve("run-1", T1);
        record(2, "web", "run-2", T2, "email:e-ann");

        RunReport report = resolve("run-2", T2);

        assertThat(goldenByRecord()).containsEntry(2L, "g-1");
        assertThat(report.profiles().created()).isZero();
        assertThat(report.profiles().updated()).isEqualTo(1);
    }

    @Nested
    class Merge {

        @BeforeEach
        void twoProfilesMadeOnDifferentDays() {
            // the older profile gets the id that sorts last, so only creation time can make it win
            record(1, "erp", "run-1", T1, "phone:p-ann");
            nextIds("z-older");
            resolve("run-1", T1);
            record(2, "web", "run-2", T2, "email:e-ann");
            nextIds("a-newer");
            resolve("run-2", T2);
            assertThat(goldenByRecord()).containsExactly(Map.entry(1L, "z-older"), Map.entry(2L, "a-newer"));
        }

        @Test
        void aLinkingRecordMergesThemAndTheOlderIdSurvives() {
            record(3, "crm", "run-3", T3, "email:e-ann", "phone:p-ann");

            RunReport report = resolve("run-3", T3);

            assertThat(goldenByRecord()).containsOnly(Map.entry(1L, "z-older"), Map.entry(2L, "z-older"), Map.entry(3L, "z-older"));
            assertThat(report.profiles().merged()).isEqualTo(1);
            assertThat(report.profiles().created()).isZero();
            assertThat(report.profiles().total()).isEqualTo(1);
        }

        @Test
        void theAbsorbedIdBecomesAnAliasOfTheSurvivor() {
            record(3, "crm", "run-3", T3, "email:e-ann", "phone:p-ann");

            resolve("run-3", T3);

            assertThat(profiles.resolve("a-newer")).contains("z-older");
            assertThat(profiles.resolve("z-older")).contains("z-older");
            assertThat(profiles.all().get("a-newer").mergedInto()).contains("z-older");
            assertThat(profiles.active()).isEqualTo(1);
        }

        @Test
        void aLookupByTheAbsorbedIdAnswersWithTheSurvivor() {
            record(3, "crm", "run-3", T3, "email:e-ann", "phone:p-ann");
            resolve("run-3", T3);
            var lookup = new ProfileLookup(jdbc, null, new GoldenValues(jdbc, null, new com.fasterxml.jackson.databind.ObjectMapper()), null);

            assertThat(lookup.masked("a-newer")).get().extracting(ProfileLookup.View::goldenId).isEqualTo("z-older");
            assertThat(lookup.masked("a-newer").get().sources()).hasSize(3);
            assertThat(lookup.explain("a-newer")).get().satisfies(explained -> {
                assertThat(explained).containsEntry("goldenId", "z-older").containsEntry("requestedId", "a-newer");
                assertThat(explained.get("aliases")).asList().containsExactly("a-newer");
            });
            assertThat(lookup.masked("never-issued")).isEmpty();
        }

        @Test
        void theMergeIsRecordedWithItsEvidence() {
            record(3, "crm", "run-3", T3, "email:e-ann", "phone:p-ann");

            resolve("run-3", T3);

            assertThat(changes()).singleElement().satisfies(c -> {
                assertThat(c.kind()).isEqualTo("MERGE");
                assertThat(c.goldenId()).isEqualTo("z-older");
                assertThat(c.otherId()).isEqualTo("a-newer");
                assertThat(c.runId()).isEqualTo("run-3");
                assertThat(c.evidence()).contains("deterministic").contains("email").contains("phone");
            });
        }

        @Test
        void aLaterRunAfterTheMergeChangesNothing() {
            record(3, "crm", "run-3", T3, "email:e-ann", "phone:p-ann");
            resolve("run-3", T3);

            RunReport report = resolve("run-4", T3.plusSeconds(86_400));

            assertThat(goldenByRecord()).containsOnly(Map.entry(1L, "z-older"), Map.entry(2L, "z-older"), Map.entry(3L, "z-older"));
            assertThat(report.profiles().merged()).isZero();
            assertThat(changes()).hasSize(1);
        }
    }

    @Test
    void anAliasOfAMergedProfileResolvesStraightToTheFinalSurvivor() {
        record(1, "erp", "run-1", T1, "phone:p-zed");
        nextIds("zed");
        resolve("run-1", T1);
        record(2, "crm", "run-2", T2, "email:e-yan");
        nextIds("yan");
        resolve("run-2", T2);
        record(3, "web", "run-3", T3, "email:e-xia");
        nextIds("xia");
        resolve("run-3", T3);
        record(4, "social", "run-4", T3.plusSeconds(3600), "email:e-yan", "email:e-xia");
        resolve("run-4", T3.plusSeconds(3600));
        assertThat(profiles.resolve("xia")).contains("yan");

        record(5, "crm", "run-5", T3.plusSeconds(7200), "email:e-xia", "phone:p-zed");
        resolve("run-5", T3.plusSeconds(7200));

        assertThat(profiles.resolve("xia")).contains("zed");
        assertThat(profiles.resolve("yan")).contains("zed");
        assertThat(goldenByRecord().values()).containsOnly("zed");
        assertThat(profiles.active()).isEqualTo(1);
        assertThat(changes()).extracting(ChangeRow::kind, ChangeRow::goldenId, ChangeRow::otherId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("MERGE", "yan", "xia"),
                        org.assertj.core.groups.Tuple.tuple("MERGE", "zed", "yan"));
    }

    @Nested
    class Split {

        @BeforeEach
        void oneProfileHeldTogetherByRecordThree() {
            record(1, "crm", "run-1", T1, "email:e-ann");
            record(2, "web", "run-1", T1, "email:e-ann");
            record(3, "erp", "run-1", T1, "email:e-ann", "phone:p-ann");
            record(4, "social", "run-1", T1, "phone:p-ann");
            record(5, "crm", "run-1", T1, "phone:p-ann");
            nextIds("g-1");
            resolve("run-1", T1);
            assertThat(goldenByRecord().values()).containsOnly("g-1");
        }

        void recordThreeLosesItsEmail() {
            jdbc.sql("DELETE FROM record_index WHERE source_record_id = 3 AND kind = 'email'").update();
            jdbc.sql("UPDATE source_record SET run_id = 'run-2' WHERE id = 3").update();
        }

        @Test
        void theLargerPartKeepsTheIdAndTheSmallerGetsANewOne() {
            recordThreeLosesItsEmail();
            nextIds("g-2");

            RunReport report = resolve("run-2", T2);

            assertThat(goldenByRecord()).containsExactly(
                    Map.entry(1L, "g-2"), Map.entry(2L, "g-2"), Map.entry(3L, "g-1"), Map.entry(4L, "g-1"), Map.entry(5L, "g-1"));
            assertThat(report.profiles().split()).isEqualTo(1);
            assertThat(report.profiles().created()).isEqualTo(1);
            assertThat(report.profiles().total()).isEqualTo(2);
        }

        @Test
        void theSplitIsRecordedAndIsNotAMerge() {
            recordThreeLosesItsEmail();
            nextIds("g-2");

            resolve("run-2", T2);

            assertThat(changes()).singleElement().satisfies(c -> {
                assertThat(c.kind()).isEqualTo("SPLIT");
                assertThat(c.goldenId()).isEqualTo("g-1");
                assertThat(c.otherId()).isEqualTo("g-2");
            });
            assertThat(profiles.resolve("g-1")).contains("g-1");
            assertThat(profiles.resolve("g-2")).contains("g-2");
        }
    }

    /**
     * Rounds of random changes (records gaining, losing and swapping e-mails and phones, new
     * records): each incremental run, which reads only the profiles around the change, must leave
     * the records grouped exactly as resolving the whole store would.
     */
    @Test
    void anIncrementalRunGroupsRecordsAsResolvingTheWholeStoreWould() {
        var random = new java.util.Random(7);
        int golden = 0;
        long nextRecord = 1;
        for (; nextRecord <= 300; nextRecord++) {
            record(nextRecord, "crm", "run-0", T1, randomIndexes(random));
        }
        for (int i = 0; i < 400; i++) {
            nextIds("g-" + golden++);
        }
        resolve("run-0", T1);
        assertThat(partition()).isEqualTo(wholeStorePartition());

        for (int round = 1; round <= 12; round++) {
            String run = "run-" + round;
            for (int change = 0; change < 6; change++) {
                long id = 1 + random.nextInt((int) nextRecord - 1);
                jdbc.sql("DELETE FROM record_index WHERE source_record_id = :id").param("id", id).update();
                for (String index : randomIndexes(random)) {
                    jdbc.sql("INSERT INTO record_index (source_record_id, kind, hashed) VALUES (:id, :kind, :hashed)")
                            .param("id", id).param("kind", index.split(":")[0]).param("hashed", index.split(":")[1]).update();
                }
                jdbc.sql("UPDATE source_record SET run_id = :run WHERE id = :id").param("run", run).param("id", id).update();
            }
            record(nextRecord++, "web", run, T2, randomIndexes(random));

            RunReport report = resolve(run, T2);

            assertThat(report.notes().get("resolution")).as("round %d", round).startsWith("incremental: ");
            assertThat(partition()).as("round %d", round).isEqualTo(wholeStorePartition());
            assertThat(goldenByRecord().values()).as("every record placed").doesNotContainNull();
        }
    }

    /** Two to four of sixty e-mails and forty phones: enough sharing to chain records into profiles of several. */
    private static String[] randomIndexes(java.util.Random random) {
        int count = random.nextInt(3);
        String[] indexes = new String[count];
        for (int i = 0; i < count; i++) {
            indexes[i] = random.nextBoolean() ? "email:e-" + random.nextInt(160) : "phone:p-" + random.nextInt(120);
        }
        return java.util.Arrays.stream(indexes).distinct().toArray(String[]::new);
    }

    /** The stored golden profiles as sets of record ids. */
    private java.util.Set<java.util.Set<Long>> partition() {
        Map<String, java.util.Set<Long>> byGolden = new java.util.HashMap<>();
        goldenByRecord().forEach((id, g) -> byGolden.computeIfAbsent(g, k -> new java.util.HashSet<>()).add(id));
        return new java.util.HashSet<>(byGolden.values());
    }

    /** The connected components of the whole store, as a full resolution would group it. */
    private java.util.Set<java.util.Set<Long>> wholeStorePartition() {
        java.util.Set<java.util.Set<Long>> components = new java.util.HashSet<>();
        for (var component : IdentityResolver.components(records.identified(), records.indexes())) {
            java.util.Set<Long> ids = new java.util.HashSet<>();
            component.forEach(f -> ids.add(f.id()));
            components.add(ids);
        }
        return components;
    }
}
