package io.segmenthub;

import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.pipeline.SyncRunner;
import io.segmenthub.profile.IdentityResolver;
import io.segmenthub.profile.ProbabilisticLinks;
import io.segmenthub.profile.ResolutionQuality;
import io.segmenthub.profile.SourceRecordStore;
import io.segmenthub.segment.ProfileScoring;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.profile.ResolutionMode;
import io.segmenthub.profile.ProfileLookup;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.Optional;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The quickstart as shipped, synced once, and its identity resolution scored against the labelled
 * truth the sample generator writes ({@code samples/truth/identity.csv}): deterministic (shared
 * blind-indexed e-mail or phone) against probabilistic (plus Fellegi-Sunter links with household
 * guards), pairwise and per cluster. Both are computed from the one store: the deterministic
 * components in memory, the probabilistic ones as the resolver builds them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuickstartResolutionTest {

    @TempDir
    static Path root;

    @DynamicPropertySource
    static void quickstart(DynamicPropertyRegistry registry) {
        Quickstart.register(registry, root);
    }

    @Autowired SyncRunner runner;
    @Autowired Flyway flyway;
    @Autowired SourceRecordStore records;
    @Autowired ProbabilisticLinks probabilistic;
    @Autowired BlindIndex blindIndex;
    @Autowired IdentityResolver resolver;
    @Autowired ResolutionMode mode;
    @Autowired JdbcClient jdbc;
    @Autowired ProfileLookup lookup;
    @Autowired ProfileScoring scoring;
    @Autowired io.segmenthub.subject.SubjectRequests subjects;

    static boolean synced;

    @BeforeEach
    void syncTheQuickstartOnce() {
        if (!synced) {
            flyway.clean();
            flyway.migrate();
            runner.run("nightly", "test");
            synced = true;
        }
    }

    @Test
    @Order(1)
    void probabilisticResolutionBeatsDeterministicOnTheQuickstartTruthAtHighPrecision() throws IOException {

        List<SourceRecordStore.Facts> facts = records.identified();
        Map<Long, List<SourceRecordStore.IndexEntry>> indexes = records.indexes();
        Map<Long, String> person = truth(facts);
        assertThat(person).as("every resolved record is labelled").hasSameSizeAs(facts);

        var deterministic = ResolutionQuality.of(IdentityResolver.components(facts, indexes), person);
        var found = probabilistic.full(facts, indexes, "evaluation", Instant.now());
        var fuzzy = ResolutionQuality.of(
                IdentityResolver.components(facts, ProbabilisticLinks.deterministic(indexes), found.pairs()), person);
        System.out.println("quickstart resolution against samples/truth/identity.csv (" + facts.size() + " records)");
        System.out.println("  deterministic: " + deterministic);
        System.out.println("  probabilistic: " + fuzzy + "; " + found.comparedPairs() + " pairs compared, "
                + found.joined().size() + " links joined, " + found.vetoed() + " held apart by the household guard, "
                + found.uncorroborated() + " uncorroborated");

        assertThat(deterministic.people()).isEqualTo(fuzzy.people());
        assertThat(deterministic.pairwise().precision()).isGreaterThanOrEqualTo(0.99);
        assertThat(fuzzy.pairwise().precision()).as("probabilistic pairwise precision").isGreaterThanOrEqualTo(0.99);
        assertThat(fuzzy.pairwise().f1()).as("probabilistic at least as good as deterministic")
                .isGreaterThanOrEqualTo(deterministic.pairwise().f1());
    }

    /**
     * Three records change (they lose their e-mail's blind index, as if the address were deleted at
     * the source): the next run compares only pairs touching them, and a full re-resolution right
     * after finds nothing to change.
     */
    @Test
    @Order(2)
    void anIncrementalRunComparesOnlyChangedRecordsAndAgreesWithAFullReResolution() {
        List<Long> changed = jdbc.sql("""
                        SELECT r.id FROM source_record r JOIN record_index i ON i.source_record_id = r.id AND i.kind = 'email'
                        WHERE r.system = 'erp' ORDER BY r.id""").query(Long.class).list().subList(0, 3);
        jdbc.sql("DELETE FROM record_index WHERE kind = 'email' AND source_record_id IN (:ids)").param("ids", changed).update();
        jdbc.sql("UPDATE source_record SET run_id = 'run-changed' WHERE id IN (:ids)").param("ids", changed).update();
        long records = jdbc.sql("SELECT COUNT(*) FROM source_record WHERE present <> ''").query(Long.class).single();

        var incremental = resolver.resolve(new SyncRun("run-changed", "nightly", "test", Instant.now(), List.of(), List.of())).report();
        Map<Long, String> afterIncremental = goldenByRecord();
        mode.requestFull();
        var full = resolver.resolve(new SyncRun("run-full", "nightly", "test", Instant.now(), List.of(), List.of())).report();

        long comparedIncrementally = Long.parseLong(incremental.notes().get("matching.compared-pairs"));
        long comparedInFull = Long.parseLong(full.notes().get("matching.compared-pairs"));
        System.out.println("incremental: " + incremental.notes().get("matching"));
        System.out.println("full:        " + full.notes().get("matching"));
        assertThat(incremental.notes().get("matching")).startsWith("incremental: 3 new or changed records")
                .endsWith("; match keys of the changed records: 0 added, 0 removed, the others kept"); // an e-mail is no match key
        assertThat(full.notes().get("matching")).startsWith("full: ");
        assertThat(comparedIncrementally).isPositive().isLessThan(records).isLessThan(comparedInFull / 20);
        assertThat(goldenByRecord()).as("golden profiles after a full re-resolution").isEqualTo(afterIncremental);
        assertThat(full.profiles().created() + full.profiles().merged() + full.profiles().split()).isZero();

        // a full resolution writes the evidence of the pairs that joined records, and of those only, after linking
        assertThat(jdbc.sql("SELECT COUNT(*) FROM match_link WHERE evidence NOT LIKE '{%}'").query(Long.class).single()).isZero();
        // the explain API shows the pairs and weights that joined a profile's records, ids and numbers only
        String golden = jdbc.sql("""
                        SELECT g.golden_id FROM match_link l JOIN record_golden g ON g.source_record_id = l.left_record_id
                        WHERE l.evidence LIKE '%"sharedPhone":false%' ORDER BY l.match_weight DESC""")
                .query(String.class).list().get(0);
        Map<String, Object> explained = lookup.explain(golden).orElseThrow();
        assertThat((List<?>) explained.get("matches")).isNotEmpty().allSatisfy(m -> {
            Map<?, ?> match = (Map<?, ?>) m;
            assertThat(match.get("matchProbability")).isInstanceOf(Double.class);
            assertThat(match.get("evidence").toString()).contains("comparisons").contains("birth_date").contains("weight");
        });
        assertThat((List<?>) explained.get("survivorship")).isNotEmpty();
    }

    /**
     * A new ERP order: the next sync resolves around the customer's record and scores again only
     * the profiles that may have changed, and scoring every profile afresh right after finds no
     * score to change.
     */
    @Test
    @Order(3)
    void aSyncAfterANewOrderScoresOnlyTheProfilesThatMayHaveChangedAndAgreesWithScoringEveryone() throws Exception {
        try (Connection erp = DriverManager.getConnection("jdbc:h2:file:" + root.resolve("data/erp").toAbsolutePath(), "sa", "")) {
            erp.createStatement().executeUpdate("INSERT INTO orders (order_no, customer_no, order_date, amount, currency, updated_at)"
                    + " VALUES ('SO-NEW-1', 'K100117', CURRENT_DATE, 88.00, 'CNY', CURRENT_TIMESTAMP)");
        }
        String buyer = jdbc.sql("""
                        SELECT g.golden_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id
                        WHERE r.system = 'erp' AND r.record_id = 'K100117'""").query(String.class).single();
        int ordersBefore = jdbc.sql("SELECT orders FROM profile_score WHERE golden_id = :g").param("g", buyer).query(Integer.class).single();
        Optional<LocalDate> scoredOn = jdbc.sql("SELECT as_of FROM score_basis").query(LocalDate.class).optional();

        var second = runner.run("nightly", "test").report();
        assumeThat(scoredOn).as("the as-of day did not move between the two runs (midnight)").contains(LocalDate.now());

        assertThat(second.notes().get("scored")).startsWith("incremental: ");
        assertThat(jdbc.sql("SELECT orders FROM profile_score WHERE golden_id = :g").param("g", buyer).query(Integer.class).single())
                .isEqualTo(ordersBefore + 1);
        var everyone = scoring.score(new SyncRun("run-everyone", "nightly", "test", Instant.now(), List.of(), List.of())).report();
        assertThat(everyone.notes().get("scored")).isEqualTo("every profile's purchases and events read: this run resolved every record");
        assertThat(everyone.notes().get("scores written")).startsWith("0 changed of ").endsWith(", 0 removed");
    }

    /**
     * An erasure takes the person's matching keys and their share of the kept counts that weigh rare
     * names, towns and streets, so that the next incremental resolution weighs by what the store holds.
     */
    @Test
    @Order(4)
    void anErasureTakesThePersonsShareOfTheKeptTermCounts() {
        String termKeys = "SELECT COUNT(*) FROM match_key WHERE kind LIKE 'tf:%'";
        long before = jdbc.sql(termKeys).query(Long.class).single();
        long theirs = jdbc.sql("""
                        SELECT COUNT(*) FROM match_key m JOIN source_record r ON r.id = m.source_record_id
                        WHERE r.system = 'crm' AND r.record_id = 'C-00002' AND m.kind LIKE 'tf:%'""").query(Long.class).single();

        var erasure = subjects.erase(Optional.of("leesophie11@example.com"), Optional.empty(), "test");

        assertThat(erasure.records()).isPositive();
        assertThat(theirs).as("a London Lee holds common values").isPositive();
        long after = jdbc.sql(termKeys).query(Long.class).single();
        assertThat(after).isLessThanOrEqualTo(before - theirs);
        io.segmenthub.profile.KeptTermCounts.areThoseOfTheKeys(jdbc);
    }

    private Map<Long, String> goldenByRecord() {
        Map<Long, String> byRecord = new java.util.TreeMap<>();
        jdbc.sql("SELECT r.id, g.golden_id FROM source_record r LEFT JOIN record_golden g ON g.source_record_id = r.id WHERE r.present <> ''").query(rs -> {
            byRecord.put(rs.getLong(1), rs.getString(2));
        });
        return byRecord;
    }

    /** Store record id to the person the truth file says it belongs to; social handles are stored as pseudonyms. */
    private Map<Long, String> truth(List<SourceRecordStore.Facts> facts) throws IOException {
        Map<String, String> byKey = new HashMap<>();
        List<String> lines = Files.readAllLines(Path.of("samples/truth/identity.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split(",");
            String id = cols[0].equals("social") ? "~" + blindIndex.of("record-id", "social/" + cols[1]) : cols[1];
            byKey.put(cols[0] + "/" + id, cols[2]);
        }
        Map<Long, String> person = new HashMap<>();
        for (var f : facts) {
            String p = byKey.get(f.system() + "/" + f.recordId());
            if (p != null) {
                person.put(f.id(), p);
            }
        }
        return person;
    }
}
