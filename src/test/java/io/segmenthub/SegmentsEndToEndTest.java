package io.segmenthub;

import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import io.segmenthub.system.CommandLine;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tags, behaviour clusters and segment history over whole syncs of the small company in
 * {@link HubFixture}, with its config extended by four tags (two of them pushed), clustering, and
 * one more CRM contact who never bought anything.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SegmentsEndToEndTest {

    @TempDir
    static Path root;
    static HubFixture fixture;

    static final String KAI_EMAIL = "kai.testperson@example.com";

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) {
        fixture = new HubFixture(root).writeConfig();
        edit(fixture.config.resolve("hub.yml"), "    fx-rates: {GBP: 9.00}\n",
                "    fx-rates: {GBP: 9.00}\n    clustering: {k-range: [2, 3], seed: 7}\n");
        edit(fixture.config.resolve("segments.yml"), "    holdout: 0.5\n", """
                    holdout: 0.5
                tags:
                  - id: newsletter-buyer
                    purpose: marketing_email
                    rule: "orders >= 1"
                  - id: big-buyer
                    purpose: profiling
                    rule: "revenue >= 1000.0"
                  - id: small-spender
                    purpose: profiling
                    rule: "has_purchases && revenue < 1000.0"
                  - id: not-clustered
                    purpose: profiling
                    rule: "cluster == 'none'"
                """);
        edit(fixture.config.resolve("connectors.yml"), "    segments: [buyers]\n", "    segments: [buyers]\n    tags: [newsletter-buyer]\n");
        edit(fixture.config.resolve("connectors.yml"), "    segments: [big-spenders]\n", "    segments: [big-spenders]\n    tags: [big-buyer]\n");
        StoreUnderTest.register(registry, fixture);
    }

    @Autowired SyncRunner runner;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;
    @Autowired JdbcConnections connections;
    @Autowired TestRestTemplate http;
    @Autowired CommandLine commandLine;

    @BeforeEach
    void cleanWorld() {
        fixture.reset(flyway, connections);
        // one more CRM contact, who never bought anything
        edit(root.resolve("sources/crm.json"), "  {\"first_name\": \"No\"", """
                  {"contact_id": "C-5", "first_name": "Kai", "last_name": "Testperson", "email": "%s", "mobile": null,
                   "country": "DE", "modified": "2026-03-02T08:00:00Z", "email_opt_in": false},
                  {"first_name": "No\"""".formatted(KAI_EMAIL));
    }

    @Test
    void tagsAreKeptAndPushedThroughTheSameConsentChecksAsSegments() throws IOException {
        SyncRun run = runner.run("nightly", "test");
        String ada = golden("erp", "K1");
        String bob = golden("erp", "K3");

        assertThat(run.report().tags()).containsOnlyKeys("newsletter-buyer", "big-buyer", "small-spender", "not-clustered");
        assertThat(run.report().segments()).doesNotContainKeys("newsletter-buyer", "big-buyer");
        assertThat(open("newsletter-buyer")).containsExactlyInAnyOrder(ada, bob, golden("erp", "K2"), golden("erp", "K4"));
        assertThat(open("big-buyer")).containsExactly(ada);
        // the tag has the buyers segment's rule and purpose, and goes to the same destination: the same
        // people are pushed (Ada, Bob), the same are withheld (Zhang has no address, Eve said no)
        assertThat(pushed("newsletter-buyer")).isEqualTo(pushed("buyers")).containsOnlyKeys(ada, bob);
        assertThat(run.report().destination("newsletter").withheldWithoutConsent()).isEqualTo(4);
        // the ERP gets the tag with its own customer number, beside the segment
        assertThat(erpTable()).containsExactly("big-buyer," + ada + ",K1", "big-spenders," + ada + ",K1");
        // a destination gets only the tags it lists
        assertThat(store.sql("SELECT COUNT(*) FROM push_state WHERE destination_id = 'ab-test' AND segment_id <> 'buyers-ab'")
                .query(Long.class).single()).isZero();

        fixture.appendConsent(HubFixture.BOB_EMAIL + ",,marketing_email,withdrawn,2026-06-01T00:00:00Z,unsubscribe-link");
        SyncRun second = runner.run("nightly", "test");

        assertThat(second.report().tag("newsletter-buyer").exited()).isZero(); // still a buyer, no longer pushed
        assertThat(pushed("newsletter-buyer")).containsOnlyKeys(ada);
        assertThat(second.report().destination("newsletter").removes()).isEqualTo(2);
        assertThat(store.sql("SELECT detail FROM audit_log WHERE action = 'PUSH_REMOVE' AND detail LIKE 'destination=newsletter %' ORDER BY detail")
                .query(String.class).list()).containsExactly(
                "destination=newsletter segment=buyers reason=no consent for marketing_email",
                "destination=newsletter segment=newsletter-buyer reason=no consent for marketing_email");
    }

    @Test
    void buyersAreClusteredNonBuyersAreNotAndTheIdsHoldOnTheNextRun() throws IOException {
        SyncRun first = runner.run("nightly", "test");
        String kai = golden("crm", "C-5");

        Map<String, String> assigned = clusterOfEachProfile();
        assertThat(assigned).containsEntry(kai, null);
        List<String> buyers = List.of(golden("erp", "K1"), golden("erp", "K2"), golden("erp", "K3"), golden("erp", "K4"));
        buyers.forEach(g -> assertThat(assigned.get(g)).as("cluster of a buyer").matches("c[0-9]+"));
        assertThat(open("not-clustered")).containsExactly(kai);

        List<Map<String, Object>> clusters = clustersApi();
        assertThat(clusters).hasSizeBetween(2, 3);
        assertThat(clusters).allSatisfy(c -> {
            assertThat(c.get("runId")).isEqualTo(first.id());
            assertThat((String) c.get("description")).isNotBlank();
        });
        assertThat(clusters.stream().mapToInt(c -> ((Number) c.get("size")).intValue()).sum()).isEqualTo(4);
        assertThat(clusters.stream().map(c -> (String) c.get("id")).toList())
                .containsExactlyInAnyOrderElementsOf(nonNull(assigned.values()))
                .containsExactlyElementsOf(first.report().clusters().keySet());
        assertThat(first.report().clustering()).contains("4 profiles with purchases", "1 without purchases not clustered");

        SyncRun second = runner.run("nightly", "test");

        assertThat(clusterOfEachProfile()).isEqualTo(assigned);
        assertThat(second.report().clustering()).contains("ids kept from the last clustering: "
                + clusters.stream().map(c -> (String) c.get("id")).collect(Collectors.joining(", ")));
        assertThat(clustersApi()).allSatisfy(c -> assertThat(c.get("runId")).isEqualTo(second.id()));
        assertThat(store.sql("SELECT COUNT(DISTINCT run_id) FROM behaviour_cluster").query(Long.class).single()).isEqualTo(2);

        Path csv = root.resolve("clusters.csv");
        commandLine.run(new DefaultApplicationArguments("report", "clusters", "--out", csv.toString()));
        List<String> lines = Files.readAllLines(csv);
        assertThat(commandLine.exitCode()).isZero();
        assertThat(lines.get(0)).isEqualTo("cluster,run_id,size,recency_days,orders,revenue,events,tenure_days,description");
        assertThat(lines).hasSize(clusters.size() + 1);
        assertThat(lines.get(1)).startsWith(clusters.get(0).get("id") + "," + second.id() + ",");
    }

    @Test
    void historyServesSizesPerRunAndWhoEnteredOrExitedInARun() {
        SyncRun first = runner.run("nightly", "test");
        // Zhang spends 9,000 CNY more: he enters big-spenders and leaves the small-spender tag
        new JdbcTemplate(connections.get(fixture.erpUrl, "sa", null)).update(
                "INSERT INTO orders VALUES ('O6', 'K2', DATE '2026-10-20', 9000.00, 'CNY', TIMESTAMP '2026-10-20 12:00:00')");
        SyncRun second = runner.run("nightly", "test");
        String zhang = golden("erp", "K2");

        List<Map<String, Object>> bigSpenders = list("/api/segments/big-spenders/history");
        assertThat(bigSpenders).extracting(h -> h.get("runId")).containsExactly(first.id(), second.id());
        assertThat(bigSpenders).extracting(h -> h.get("kind")).containsOnly("segment");
        assertThat(bigSpenders).extracting(h -> ((Number) h.get("members")).intValue()).containsExactly(1, 2);
        assertThat(bigSpenders).extracting(h -> ((Number) h.get("entered")).intValue()).containsExactly(1, 1);
        Map<?, ?> entered = analyst().getForObject("/api/segments/big-spenders/history/" + second.id() + "/changes", Map.class);
        assertThat(entered.get("entered")).isEqualTo(List.of(zhang));
        assertThat(entered.get("exited")).isEqualTo(List.of());

        List<Map<String, Object>> smallSpenders = list("/api/segments/small-spender/history");
        assertThat(smallSpenders).extracting(h -> h.get("kind")).containsOnly("tag");
        assertThat(smallSpenders).extracting(h -> ((Number) h.get("members")).intValue()).containsExactly(3, 2);
        assertThat(smallSpenders).extracting(h -> ((Number) h.get("exited")).intValue()).containsExactly(0, 1);
        Map<?, ?> exited = analyst().getForObject("/api/segments/small-spender/history/" + second.id() + "/changes", Map.class);
        assertThat(exited.get("exited")).isEqualTo(List.of(zhang));
        assertThat(exited.get("entered")).isEqualTo(List.of());

        Map<?, ?> firstBuyers = analyst().getForObject("/api/segments/buyers/history/" + first.id() + "/changes", Map.class);
        assertThat((List<?>) firstBuyers.get("entered")).hasSize(4).isSorted();
        List<Map<String, Object>> holdout = list("/api/segments/buyers-ab/history");
        assertThat(((Number) holdout.get(0).get("holdout")).longValue()).isEqualTo(first.report().segment("buyers-ab").holdout());

        // golden ids and counts only
        String everything = list("/api/segments/buyers/history").toString() + firstBuyers + entered + exited;
        HubFixture.PLAINTEXT.forEach(p -> assertThat(everything).doesNotContain(p));
        assertThat(everything).doesNotContain(KAI_EMAIL);

        assertThat(analyst().getForEntity("/api/segments/nope/history", String.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(analyst().getForEntity("/api/segments/buyers/history/not-a-run/changes", String.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    private static java.util.Set<String> nonNull(java.util.Collection<String> values) {
        return values.stream().filter(java.util.Objects::nonNull).collect(Collectors.toSet());
    }

    /**
     * The API as an analyst sees it. This branch's API has no sign-in yet, so the credentials are
     * ignored here; they are the fixture's demo analyst, for when roles guard /api/segments.
     */
    private TestRestTemplate analyst() {
        return http.withBasicAuth("analyst", "analyst-demo");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> list(String path) {
        return analyst().getForObject(path, List.class);
    }

    private List<Map<String, Object>> clustersApi() {
        return list("/api/segments/clusters");
    }

    private Map<String, String> clusterOfEachProfile() {
        Map<String, String> clusters = new HashMap<>();
        store.sql("SELECT golden_id, cluster_id FROM profile_score").query(rs -> {
            clusters.put(rs.getString(1), rs.getString(2));
        });
        return clusters;
    }

    private List<String> open(String segmentId) {
        return store.sql("SELECT golden_id FROM segment_membership WHERE segment_id = :s AND exited_at IS NULL ORDER BY golden_id")
                .param("s", segmentId).query(String.class).list();
    }

    private String golden(String system, String recordId) {
        return store.sql("SELECT g.golden_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id WHERE r.system = :s AND r.record_id = :r")
                .param("s", system).param("r", recordId).query(String.class).single();
    }

    /** golden id to external id in the destination's current list of the segment or tag. */
    private Map<String, String> pushed(String segmentId) throws IOException {
        return Files.readAllLines(fixture.out.resolve(segmentId + ".csv")).stream().skip(1)
                .map(l -> l.split(",", -1)).collect(Collectors.toMap(c -> c[0], c -> c[1]));
    }

    private List<String> erpTable() {
        return new JdbcTemplate(connections.get(fixture.erpUrl, "sa", null)).query(
                "SELECT segment_id, golden_id, external_id FROM hub_segment_members ORDER BY segment_id, golden_id",
                (rs, n) -> rs.getString(1) + "," + rs.getString(2) + "," + rs.getString(3));
    }

    private static void edit(Path file, String from, String to) {
        try {
            String text = Files.readString(file);
            if (!text.contains(from)) {
                throw new IllegalStateException(file + " no longer contains " + from);
            }
            Files.writeString(file, text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
