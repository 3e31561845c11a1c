package io.segmenthub;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.pipeline.QuarantineStore;
import io.segmenthub.pipeline.RunReport;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import io.segmenthub.profile.LineageExport;
import org.apache.camel.CamelContext;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole sync runs over a small made-up company ({@link HubFixture}), asserting on the store, the
 * destinations and the run report. Runs on H2 by default and on PostgreSQL with
 * {@code -Dspring.profiles.active=postgres} (the store is cleaned before each test).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EndToEndTest {

    @TempDir
    static Path root;
    static HubFixture fixture;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) {
        fixture = new HubFixture(root).writeConfig();
        StoreUnderTest.register(registry, fixture);
        // the fixture's handful of people stand in for the 50,000 past which H2 is advised against
        registry.add("segmenthub.h2-advised-profiles", () -> "3");
        // and their two-row batches for the 2,000 rows a pull looks up before it holds a system's pulled hashes
        registry.add("segmenthub.pulled-hashes-held-after", () -> "2");
    }

    @Autowired SyncRunner runner;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;
    @Autowired JdbcConnections connections;
    @Autowired AuditLog audit;
    @Autowired QuarantineStore quarantine;
    @Autowired LineageExport lineage;
    @Autowired CamelContext camel;
    @Autowired DataSource hubDataSource;
    @Autowired TestRestTemplate http;

    @BeforeEach
    void cleanWorld() {
        fixture.reset(flyway, connections);
    }

    @Test
    void everyRouteIdLoadsFromTheRoutesFolder() {
        assertThat(camel.getRoutes().stream().map(r -> r.getRouteId()).collect(Collectors.toSet()))
                .containsAll(Set.of("pipeline-sync", "pull-consent", "pull-crm", "pull-erp-customers", "pull-erp-orders",
                        "pull-web", "push-newsletter", "push-erp-accounts"));
        assertThat(((org.apache.camel.model.ModelCamelContext) camel).getRouteTemplateDefinitions()).extracting(t -> t.getId())
                .contains("connector-file", "connector-jdbc", "destination-file", "destination-jdbc", "sync-schedule");
    }

    @Test
    void personInCrmAndErpBecomesOneGoldenProfileWithLineageToBoth() throws IOException {
        runner.run("nightly", "test");

        assertThat(golden("crm", "C-1")).isEqualTo(golden("erp", "K1"));
        assertThat(golden("crm", "C-3")).isEqualTo(golden("erp", "K3"));
        assertThat(golden("crm", "C-1")).isNotEqualTo(golden("crm", "C-3"));
        // hanzi in the CRM and pinyin in the ERP meet through the phone, once cleaned to E.164
        assertThat(golden("crm", "C-2")).isEqualTo(golden("erp", "K2"));
        // the logged-in web visitor joins Ada through the e-mail
        assertThat(golden("web", "U1")).isEqualTo(golden("crm", "C-1"));

        Path csv = root.resolve("lineage.csv");
        lineage.write(csv);
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertThat(rows.get(0)).isEqualTo("source_system,source_record_id,golden_id");
        assertThat(rows).contains("crm,C-1," + golden("crm", "C-1"), "erp,K1," + golden("crm", "C-1"));

        // survivorship: the ERP has priority for the street, and lineage names the record that gave it
        long erpK1 = store.sql("SELECT id FROM source_record WHERE system = 'erp' AND record_id = 'K1'").query(Long.class).single();
        assertThat(store.sql("SELECT source_record_id FROM golden_attribute WHERE golden_id = :g AND attribute = 'street'")
                .param("g", golden("erp", "K1")).query(Long.class).single()).isEqualTo(erpK1);
    }

    @Test
    void holdoutMembersAreKeptBackFromEveryPushAndTheAssignmentIsStable() {
        RunReport first = runner.run("nightly", "test").report();
        List<String> members = store.sql("SELECT golden_id FROM segment_membership WHERE segment_id = 'buyers-ab' ORDER BY golden_id")
                .query(String.class).list();
        List<String> control = members.stream().filter(g -> io.segmenthub.segment.Holdouts.inControlGroup("buyers-ab", g, 0.5)).toList();

        assertThat(first.segment("buyers-ab").size()).isEqualTo(4);
        assertThat(first.segment("buyers-ab").holdout()).isEqualTo(control.size());
        assertThat(store.sql("SELECT golden_id FROM segment_membership WHERE segment_id = 'buyers-ab' AND holdout = TRUE ORDER BY golden_id")
                .query(String.class).list()).containsExactlyElementsOf(control);
        List<String> pushed = store.sql("SELECT golden_id FROM push_state WHERE destination_id = 'ab-test'").query(String.class).list();
        assertThat(pushed).noneMatch(control::contains);
        // everyone else with e-mail consent (Ada, Zhang, Bob; Eve denied) is pushed
        assertThat(pushed).hasSize(3 - (int) control.stream().filter(g -> !g.equals(golden("erp", "K4"))).count());
        // golden ids are random, so about one run in 16 puts none of the 4 members in the 50 % holdout
        if (control.isEmpty()) {
            assertThat(first.format()).doesNotContain("in the holdout group");
        } else {
            assertThat(first.format()).contains(control.size() + " in the holdout group (never pushed)");
        }

        runner.run("nightly", "test");
        assertThat(store.sql("SELECT COUNT(*) FROM segment_membership WHERE segment_id = 'buyers-ab' AND holdout = TRUE")
                .query(Long.class).single()).isEqualTo(control.size());
    }

    @Test
    void kpiReportComparesTreatedAndHoldoutOverTheWindowAfterEntry() {
        runner.run("nightly", "test");
        // after entering, Ada buys again today
        new JdbcTemplate(connections.get(fixture.erpUrl, "sa", null)).update(
                "INSERT INTO orders VALUES ('O7', 'K1', CURRENT_DATE, 80.00, 'GBP', CURRENT_TIMESTAMP)");
        runner.run("nightly", "test");

        List<?> reports = as("analyst").getForObject("/api/segments/kpis?windowDays=30", List.class);
        Map<?, ?> ab = reports.stream().map(r -> (Map<?, ?>) r).filter(r -> r.get("segmentId").equals("buyers-ab")).findFirst().orElseThrow();
        Map<?, ?> treated = (Map<?, ?>) ab.get("treated");
        Map<?, ?> holdout = (Map<?, ?>) ab.get("holdout");
        String csv = as("analyst").getForObject("/api/segments/kpis?format=csv", String.class);

        assertThat(((Number) treated.get("members")).longValue() + ((Number) holdout.get("members")).longValue()).isEqualTo(4);
        assertThat(((Number) treated.get("converted")).longValue() + ((Number) holdout.get("converted")).longValue()).isEqualTo(1);
        boolean adaHeldOut = io.segmenthub.segment.Holdouts.inControlGroup("buyers-ab", golden("erp", "K1"), 0.5);
        assertThat(((Number) (adaHeldOut ? holdout : treated).get("converted")).longValue()).isEqualTo(1);
        assertThat(csv.lines().findFirst()).hasValueSatisfying(header ->
                assertThat(header).startsWith("segment,window_days,group,members,converted,conversion,repurchase_rate,revenue_per_member,lift"));
        assertThat(csv).contains("buyers-ab,30,treated", "buyers-ab,30,holdout");
    }

    @Test
    void pastTheAdvisedSizeAnH2StoreIsToldToMoveToPostgres() {
        RunReport report = runner.run("nightly", "test").report();

        assertThat(report.profiles().total()).isGreaterThan(3);
        if (StoreUnderTest.onPostgres()) {
            assertThat(report.notes()).doesNotContainKey("store");
        } else {
            assertThat(report.notes().get("store")).startsWith("the embedded H2 store holds " + report.profiles().total() + " golden profiles; beyond 3 use PostgreSQL");
            assertThat(report.format()).contains("store: the embedded H2 store holds");
        }
    }

    @Test
    void buyersGetALifetimeValueOrTheReportSaysWhyNot() {
        RunReport report = runner.run("nightly", "test").report();

        String clv = report.notes().get("clv");
        assertThat(clv).isNotNull();
        if (clv.startsWith("BG/NBD")) {
            assertThat(store.sql("SELECT COUNT(*) FROM profile_score WHERE orders > 0 AND p_alive IS NULL").query(Long.class).single()).isZero();
            assertThat(store.sql("SELECT COUNT(*) FROM profile_score WHERE orders = 0 AND clv IS NOT NULL").query(Long.class).single()).isZero();
        } else {
            assertThat(clv).startsWith("not computed this run: ");
        }
    }

    @Test
    void runReportCountsAddUpAndMalformedRowsAreQuarantinedWithTheirReason() {
        SyncRun run = runner.run("nightly", "test");
        RunReport report = run.report();

        report.connectors().forEach((id, c) ->
                assertThat(c.pulled()).as(id).isEqualTo(c.accepted() + c.quarantinedTotal() + c.droppedTotal()));
        assertThat(report.connector("crm").quarantined()).containsEntry("missing record id (field 'contact_id')", 1L);
        assertThat(report.connector("web").quarantined()).containsEntry("line is not valid JSON", 1L);
        assertThat(report.connector("erp-orders").transactions()).isEqualTo(5);
        assertThat(quarantine.forRun(run.id())).extracting(QuarantineStore.Entry::reason)
                .contains("missing record id (field 'contact_id')", "line is not valid JSON");
        assertThat(report.format()).contains("crm", "quarantined", "missing record id");
    }

    /**
     * Bad input of every kind in one source: the run succeeds, every row is accounted for, the bad
     * ones are quarantined with reasons that hold none of their personal data, and values written
     * to look like SQL are stored as data.
     */
    @Test
    void aSourceFullOfBadInputIsAccountedForRowByRowAndTheRunSucceeds() throws IOException {
        String injection = "1' OR '1'='1'; DROP TABLE source_record; --";
        var web = new java.io.ByteArrayOutputStream();
        web.writeBytes(("""
                {"event_id": "E1", "user_id": "U1", "email": "%s", "type": "page_view", "ts": "2026-10-02T10:00:00Z", "consent": {"analytics": true}}\r
                {"event_id": "E2", "user_id": "U1", "type": "add_to_cart", "ts": "2026-10-02T10:05:00Z", "consent": {"analytics": true}}
                {"event_id": "%2$s", "user_id": "%2$s", "email": "%2$s", "type": "%2$s", "ts": "2026-10-02T11:00:00Z", "consent": {"analytics": true}}
                {"event_id": "E4", "user_id": "U4", "email": "not@@valid", "type": "page_view", "ts": "2026-10-02T12:00:00Z", "consent": {"analytics": true}}
                {"event_id": "E5", "user_id": "U5", "email": "dora.date@example.org", "type": "page_view", "ts": "2026-02-30T10:00:00Z", "consent": {"analytics": true}}
                {"event_id": "E6", "user_id": "U6", "email": "nina.nested@example.org", "deep": %3$s, "ts": "2026-10-02T10:00:00Z"}
                {"event_id": "E7", "user_id": "U7", "email": "olga.optout@example.org", "type": "page_view", "ts": "2026-10-02T10:00:00Z", "consent": {"analytics": false}}
                """).formatted(HubFixture.ADA_EMAIL, injection.replace("\"", "\\\""), "[".repeat(3000) + "]".repeat(3000))
                .getBytes(StandardCharsets.UTF_8));
        web.writeBytes("{\"event_id\": \"E8\", \"user_id\": \"U8\", \"email\": \"mallory.m".getBytes(StandardCharsets.UTF_8));
        web.writeBytes(new byte[] {(byte) 0xFC}); // a Latin-1 byte in a UTF-8 file
        web.writeBytes("ller@example.org\", \"ts\": \"2026-10-02T10:00:00Z\", \"consent\": {\"analytics\": true}}\n"
                .getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("sources/web.jsonl"), web.toByteArray());

        SyncRun run = runner.run("nightly", "test");

        RunReport.ConnectorCounts counts = run.report().connector("web");
        assertThat(counts.pulled()).isEqualTo(8);
        assertThat(counts.pulled()).isEqualTo(counts.accepted() + counts.quarantinedTotal() + counts.droppedTotal());
        assertThat(counts.quarantinedTotal()).isEqualTo(3);
        assertThat(counts.droppedTotal()).isEqualTo(1);
        List<String> reasons = quarantine.forRun(run.id()).stream().map(e -> e.ref() + " " + e.reason()).toList();
        assertThat(reasons).anyMatch(r -> r.contains("web.jsonl line 5") && r.contains("unreadable date-time"))
                .anyMatch(r -> r.contains("web.jsonl line 6") && r.contains("not valid JSON"))
                .anyMatch(r -> r.contains("web.jsonl line 8") && r.contains("not valid UTF-8"));
        assertThat(String.join("\n", reasons)).doesNotContain("dora.date", "nina.nested", "mallory", "olga.optout", "example.org");
        // the injection is data: stored under its own id, and the tables it names are still there
        assertThat(store.sql("SELECT COUNT(*) FROM source_record WHERE system = 'web' AND record_id = :id").param("id", injection)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    void consentGateDropsDataCollectedWithoutItsPurposesBasis() {
        RunReport report = runner.run("nightly", "test").report();

        // U2 said no to analytics: its event is not stored
        assertThat(report.connector("web").droppedByConsent()).containsEntry("analytics", 1L);
        assertThat(store.sql("SELECT COUNT(*) FROM engagement_event WHERE record_id = 'U2'").query(Long.class).single()).isZero();
        assertThat(store.sql("SELECT COUNT(*) FROM source_record WHERE system = 'web' AND record_id = 'U2'").query(Long.class).single()).isZero();
        assertThat(store.sql("SELECT COUNT(*) FROM engagement_event WHERE record_id = 'U1'").query(Long.class).single()).isEqualTo(2);
        assertThat(store.sql("SELECT detail FROM audit_log WHERE action = 'CONSENT_GATE'").query(String.class).list())
                .containsExactly("connector=web purpose=analytics rows_not_stored=1");
    }

    @Test
    void pushesOnlyMembersWhoseConsentCoversTheDestination() throws IOException {
        SyncRun run = runner.run("nightly", "test");

        // buyers: Ada (granted), Bob (CRM opt-in at his address) are pushed; Eve denied; Zhang opted in
        // with a phone-only record: no e-mail address to send to, so the newsletter does not get him
        Map<String, String> newsletter = pushed("newsletter", "buyers");
        assertThat(newsletter.keySet()).containsExactlyInAnyOrder(golden("erp", "K1"), golden("erp", "K3"));
        assertThat(run.report().destination("newsletter").withheldWithoutConsent()).isEqualTo(2);
        List<String> changes = changesFile("buyers");
        assertThat(changes.get(0)).isEqualTo("action,golden_id,email");
        assertThat(changes).contains("add," + golden("erp", "K1") + "," + ADA());
        // the ERP gets its own customer numbers back for its big spenders (Ada: 500 GBP)
        assertThat(erpTable()).containsExactly("big-spenders," + golden("erp", "K1") + ",K1");
        assertThat(store.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'PUSH_ADD' AND detail NOT LIKE 'destination=ab-test %'")
                .query(Long.class).single()).isEqualTo(3);
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    void withdrawnSubjectLeavesThePushedListOnTheNextRun() throws IOException {
        runner.run("nightly", "test");
        String bob = golden("erp", "K3");
        assertThat(pushed("newsletter", "buyers")).containsKey(bob);

        fixture.appendConsent(HubFixture.BOB_EMAIL + ",,marketing_email,withdrawn,2026-06-01T00:00:00Z,unsubscribe-link");
        SyncRun second = runner.run("nightly", "test");

        assertThat(pushed("newsletter", "buyers")).doesNotContainKey(bob).hasSize(1);
        assertThat(second.report().destination("newsletter").removes()).isEqualTo(1);
        assertThat(second.report().destination("newsletter").adds()).isZero();
        assertThat(Files.readAllLines(fixture.out.resolve("buyers").resolve(second.id() + "-changes.csv")))
                .containsExactly("action,golden_id,email", "remove," + bob + ",");
        assertThat(Files.readAllLines(fixture.out.resolve("buyers.csv"))).noneMatch(l -> l.startsWith(bob));
        assertThat(store.sql("SELECT detail FROM audit_log WHERE action = 'PUSH_REMOVE' AND detail LIKE 'destination=newsletter %'")
                .query(String.class).single())
                .isEqualTo("destination=newsletter segment=buyers reason=no consent for marketing_email");
    }

    @Test
    void consentAtOneAddressDoesNotCoverAnotherAddressOfTheSamePerson() throws IOException {
        runner.run("nightly", "test");
        String ada = golden("erp", "K1");
        assertThat(pushed("newsletter", "buyers")).containsKey(ada);

        // the ERP now holds a newer address for Ada; she consented at the old one only
        new JdbcTemplate(connections.get(fixture.erpUrl, "sa", null)).update(
                "UPDATE customers SET email = 'ada@work.example.org', updated_at = TIMESTAMP '2026-11-01 09:00:00' WHERE customer_no = 'K1'");
        SyncRun second = runner.run("nightly", "test");

        assertThat(golden("erp", "K1")).isEqualTo(ada);
        assertThat(pushed("newsletter", "buyers")).doesNotContainKey(ada);
        assertThat(second.report().destination("newsletter").removes()).isEqualTo(1);
        assertThat(store.sql("SELECT detail FROM audit_log WHERE action = 'PUSH_REMOVE' AND detail LIKE 'destination=newsletter %'")
                .query(String.class).single())
                .isEqualTo("destination=newsletter segment=buyers reason=no consent for marketing_email at the pushed e-mail address");
    }

    @Test
    void secondRunPullsOnlyWhatChangedAndPushesNothingNew() {
        runner.run("nightly", "test");
        new JdbcTemplate(connections.get(fixture.erpUrl, "sa", null)).update(
                "INSERT INTO orders VALUES ('O6', 'K2', DATE '2026-10-20', 9000.00, 'CNY', TIMESTAMP '2026-10-20 12:00:00')");

        SyncRun second = runner.run("nightly", "test");

        var orders = second.report().connector("erp-orders");
        assertThat(orders.transactions()).isEqualTo(1);
        assertThat(orders.pulled()).isLessThanOrEqualTo(2); // the new row, and the boundary row of the >= watermark
        assertThat(second.report().connector("crm").pulled()).isZero(); // unchanged file, skipped by digest
        assertThat(second.report().profiles().created()).isZero();
        // Zhang now spends 9088 CNY: he enters big-spenders and the ERP gets him, nothing else moves
        assertThat(second.report().destination("erp-accounts").adds()).isEqualTo(1);
        assertThat(second.report().destination("newsletter").adds()).isZero();
        assertThat(second.report().destination("newsletter").removes()).isZero();
    }

    /**
     * A record pulled again exactly as the hub took it in is left alone: not cleaned, gated or
     * written again, counted unchanged. Ada's web record stays as stored although she withdrew
     * analytics since (the withdrawal governs its use, not what is already held); the new row of a
     * visitor without consent, pulled with it, is still examined and dropped.
     */
    @Test
    void aRecordPulledAgainAsItWasIsLeftAloneWhileNewRowsAreExamined() throws IOException {
        runner.run("nightly", "test");
        assertThat(store.sql("SELECT COUNT(*) FROM source_record WHERE pulled_hash IS NULL").query(Long.class).single()).isZero();
        record Stored(String runId, String pulledHash, String contentHash) {
        }
        String sql = "SELECT run_id, pulled_hash, content_hash FROM source_record WHERE system = 'web' AND record_id = 'U1'";
        Stored before = store.sql(sql).query(Stored.class).single();

        fixture.appendConsent(HubFixture.ADA_EMAIL + ",,analytics,withdrawn,2026-10-20T00:00:00Z,preference-centre");
        Files.writeString(root.resolve("sources/web.jsonl"),
                "{\"event_id\": \"E5\", \"user_id\": \"U2\", \"type\": \"page_view\", \"ts\": \"2026-10-21T09:00:00Z\","
                        + " \"consent\": {\"analytics\": false}}\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        SyncRun second = runner.run("nightly", "test");

        var web = second.report().connector("web");
        assertThat(web.pulled()).isEqualTo(5); // E1 and E2 of U1, E3 and E5 of U2, and the broken line, quarantined again
        assertThat(web.unchanged()).isEqualTo(1);
        assertThat(web.droppedByConsent()).containsExactly(Map.entry("analytics", 2L));
        assertThat(web.stored()).isZero();
        assertThat(store.sql(sql).query(Stored.class).single()).isEqualTo(before);
        assertThat(store.sql("SELECT COUNT(*) FROM engagement_event WHERE system = 'web' AND record_id = 'U1'").query(Long.class).single())
                .isEqualTo(2);
    }

    /**
     * A store from before pulled hashes were kept: its records are examined in full once, found
     * unchanged by their content, and take the hash of how they were pulled, so the run after
     * leaves them alone.
     */
    @Test
    void recordsStoredWithoutAPulledHashAreExaminedOnceAndTakeOne() throws IOException {
        runner.run("nightly", "test");
        String hashOfU1 = "SELECT pulled_hash FROM source_record WHERE system = 'web' AND record_id = 'U1'";
        String taken = store.sql(hashOfU1).query(String.class).single();
        store.sql("UPDATE source_record SET pulled_hash = NULL").update();

        Files.writeString(root.resolve("sources/web.jsonl"), "{\"event_id\": \"E5\", \"user_id\": \"U3\", \"type\": \"page_view\","
                + " \"ts\": \"2026-10-21T09:00:00Z\", \"consent\": {\"analytics\": true}}\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        SyncRun second = runner.run("nightly", "test");

        assertThat(second.report().connector("web").unchanged()).isEqualTo(1);
        assertThat(second.report().connector("web").stored()).isEqualTo(1); // U3
        assertThat(store.sql(hashOfU1).query(String.class).single()).isEqualTo(taken);
    }

    /** A record that changed in its source is stored again, with the blind indexes of its new values only. */
    @Test
    void aChangedRecordIsStoredAgainWithTheIndexesOfItsNewValues() throws IOException {
        runner.run("nightly", "test");
        String sql = "SELECT i.hashed FROM record_index i JOIN source_record r ON r.id = i.source_record_id"
                + " WHERE r.system = 'crm' AND r.record_id = 'C-1' AND i.kind = 'email'";
        String before = store.sql(sql).query(String.class).single();
        String pulledBefore = store.sql("SELECT pulled_hash FROM source_record WHERE system = 'crm' AND record_id = 'C-1'")
                .query(String.class).single();

        Path crm = root.resolve("sources/crm.json");
        Files.writeString(crm, Files.readString(crm).replace(HubFixture.ADA_EMAIL, "ada.king@example.org"));
        SyncRun second = runner.run("nightly", "test");

        assertThat(second.report().connector("crm").stored()).isEqualTo(1);
        assertThat(second.report().connector("crm").unchanged()).isEqualTo(2);
        // the first batch (C-1 changed, C-2 as before) had the pull read crm's hashes; C-3 was recognised by them
        assertThat(second.report().notes()).containsEntry("pulled hashes of crm",
                "3 records' read in one scan after 2 rows were looked up batch by batch");
        assertThat(store.sql(sql).query(String.class).list()).singleElement().isNotEqualTo(before);
        assertThat(store.sql("SELECT pulled_hash FROM source_record WHERE system = 'crm' AND record_id = 'C-1'").query(String.class).single())
                .isNotEqualTo(pulledBefore);
        assertThat(store.sql("SELECT run_id FROM source_record WHERE system = 'crm' AND record_id = 'C-1'").query(String.class).single())
                .isEqualTo(second.id());
    }

    /**
     * A pull from a cursor reads what changed since its watermark (here the last customer again, the
     * watermark being inclusive, and one changed since): however many of its rows come back as
     * before, it never reads its system's pulled hashes whole.
     */
    @Test
    void aPullFromACursorNeverReadsItsSystemsPulledHashesWhole() {
        runner.run("nightly", "test");
        new org.springframework.jdbc.core.JdbcTemplate(connections.get(fixture.erpUrl, "sa", null))
                .update("UPDATE customers SET updated_at = TIMESTAMP '2026-01-13 09:00:00' WHERE customer_no = 'K3'");

        SyncRun second = runner.run("nightly", "test");

        assertThat(second.report().connector("erp-customers").pulled()).isEqualTo(2);
        assertThat(second.report().notes()).doesNotContainKey("pulled hashes of erp");
    }

    /**
     * Once a pull holds a system's pulled hashes, a record that an earlier batch stored anew is no
     * longer taken from them: pulled again later in the same file as it was before the run, it is
     * stored again, so the file's last row wins as it does without them.
     */
    @Test
    void aRecordStoredAnewEarlierInThePullIsNotTakenAsBeforeWhenItComesBackAsItWas() throws IOException {
        runner.run("nightly", "test");
        String hashOfC1 = "SELECT pulled_hash FROM source_record WHERE system = 'crm' AND record_id = 'C-1'";
        String asFirstPulled = store.sql(hashOfC1).query(String.class).single();
        Path crm = root.resolve("sources/crm.json");
        String original = Files.readString(crm);
        String firstRow = original.substring(original.indexOf('{'), original.indexOf("{\"contact_id\": \"C-2\""));
        // C-1 changed at the top of the file, and as it was at the end: batches [C-1', C-2], [C-3, no id], [C-1]
        String changed = original.replace(HubFixture.ADA_EMAIL, "ada.king@example.org");
        Files.writeString(crm, changed.substring(0, changed.lastIndexOf('}') + 1) + ",\n" + firstRow.strip().replaceAll(",$", "") + "\n]\n");

        SyncRun second = runner.run("nightly", "test");

        assertThat(second.report().notes()).containsKey("pulled hashes of crm");
        assertThat(second.report().connector("crm").stored()).isEqualTo(2); // C-1 twice
        assertThat(second.report().connector("crm").unchanged()).isEqualTo(2);
        assertThat(store.sql(hashOfC1).query(String.class).single()).isEqualTo(asFirstPulled);
    }

    @Test
    void storeHoldsNoPlaintextPersonalData() throws IOException {
        runner.run("nightly", "test");
        runner.run("nightly", "test");

        List<String> found = StoreUnderTest.scan(hubDataSource, HubFixture.PLAINTEXT);
        assertThat(found).as("plaintext personal data in the store").isEmpty();
        if (!StoreUnderTest.onPostgres()) {
            byte[] file = Files.readAllBytes(fixture.data.resolve("hub.mv.db"));
            String raw = new String(file, StandardCharsets.ISO_8859_1);
            for (String needle : HubFixture.PLAINTEXT) {
                assertThat(raw).as("database file").doesNotContain(new String(needle.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void runApiStartsARunAndServesItsReport() throws InterruptedException {
        var started = as("admin").postForEntity("/api/runs?sync=nightly", null, Map.class);
        assertThat(started.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        List<?> runs;
        do {
            Thread.sleep(200);
            runs = as("admin").getForObject("/api/runs", List.class);
        } while ((runs.isEmpty() || "RUNNING".equals(((Map<?, ?>) runs.get(0)).get("status"))) && Instant.now().isBefore(deadline));

        Map<?, ?> latest = (Map<?, ?>) runs.get(0);
        assertThat(latest.get("status")).isEqualTo("SUCCEEDED");
        Map<?, ?> detail = as("admin").getForObject("/api/runs/" + latest.get("id"), Map.class);
        assertThat(((Map<?, ?>) detail.get("report")).get("connectors").toString()).contains("crm");
        List<?> quarantined = as("admin").getForObject("/api/runs/" + latest.get("id") + "/quarantine", List.class);
        assertThat(quarantined.toString()).contains("missing record id").doesNotContain("no.id@example.org");
        assertThat(as("admin").getForEntity("/api/runs/nope", Map.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void consentApiRecordsEventsOnceAndServesHistoryAndCurrentState() {
        Map<String, String> withdrawal = Map.of("email", " Ada.Lovelace@Example.org", "purpose", "marketing_email",
                "status", "withdrawn", "occurredAt", "2026-11-20T09:00:00Z", "evidence", "preference-centre", "source", "web_form");

        var first = as("compliance").postForEntity("/api/consent/events", withdrawal, Map.class);
        var again = as("compliance").postForEntity("/api/consent/events", withdrawal, Map.class);
        var badPurpose = as("compliance").postForEntity("/api/consent/events", Map.of("email", ADA(), "purpose", "telepathy", "status", "granted"), Map.class);
        Map<?, ?> history = as("compliance").postForObject("/api/consent/history", Map.of("email", ADA()), Map.class);

        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(again.getBody()).containsEntry("recorded", false);
        assertThat(badPurpose.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(badPurpose.getBody().toString()).doesNotContain(ADA());
        assertThat(history.get("events").toString()).contains("withdrawn", "preference-centre");
        assertThat(((Map<?, ?>) history.get("current")).get("marketing_email")).isEqualTo("withdrawn (not permitted)");
        assertThat(audit.count("CONSENT")).isEqualTo(1);
    }

    @Test
    void auditApiVerifiesTheChainAndNamesTheFirstTamperedEntry() {
        runner.run("nightly", "test");
        Map<?, ?> intact = as("compliance").getForObject("/api/audit/verify", Map.class);
        List<?> aboutAda = as("compliance").postForObject("/api/audit/search", Map.of("email", ADA()), List.class);

        long tampered = store.sql("SELECT MIN(id) FROM audit_log WHERE action = 'PUSH_ADD'").query(Long.class).single();
        store.sql("UPDATE audit_log SET detail = 'destination=elsewhere' WHERE id = :id").param("id", tampered).update();
        Map<?, ?> broken = as("compliance").getForObject("/api/audit/verify", Map.class);

        assertThat(intact.get("intact")).isEqualTo(true);
        assertThat(aboutAda.toString()).contains("PUSH_ADD", "newsletter").doesNotContain(ADA());
        assertThat(broken.get("intact")).isEqualTo(false);
        assertThat(((Number) broken.get("firstBrokenEntry")).longValue()).isEqualTo(tampered);
        assertThat(broken.get("problem").toString()).contains("entry " + tampered + " does not follow from the one before it");
    }

    /**
     * What two audit writes at once left in a log before the chain's lock: an unchanged entry that
     * follows from an earlier entry than the one before it. Verify still fails, and says so apart
     * from a changed entry. Made here by writing a copy of the second entry at the end of the log.
     */
    @Test
    void auditApiTellsAForkedChainFromAChangedEntry() {
        runner.run("nightly", "test");
        List<Long> ids = store.sql("SELECT id FROM audit_log ORDER BY id").query(Long.class).list();
        store.sql("""
                        INSERT INTO audit_log (at, run_id, actor, action, subject, detail, prev_hash, hash)
                        SELECT at, run_id, actor, action, subject, detail, prev_hash, hash FROM audit_log WHERE id = :second""")
                .param("second", ids.get(1)).update();
        long fork = store.sql("SELECT MAX(id) FROM audit_log").query(Long.class).single();

        Map<?, ?> forked = as("compliance").getForObject("/api/audit/verify", Map.class);

        assertThat(forked.get("intact")).isEqualTo(false);
        assertThat(((Number) forked.get("firstBrokenEntry")).longValue()).isEqualTo(fork);
        assertThat(forked.get("problem").toString())
                .contains("entry " + fork + " is unchanged but follows from entry " + ids.get(0) + ", not from the one before it");
    }

    @Test
    void auditExportsAsCsvAndJsonFilteredByAction() {
        runner.run("nightly", "test");

        String csv = as("compliance").getForObject("/api/audit/export?format=csv&action=PUSH_REMOVE", String.class);
        List<?> json = as("compliance").getForObject("/api/audit/export?action=SYNC_RUN", List.class);
        List<?> none = as("compliance").getForObject("/api/audit/export?from=2099-01-01T00:00:00Z", List.class);

        assertThat(csv.lines().findFirst()).contains("id,at,runId,actor,action,subject,detail,prevHash,hash");
        assertThat(csv.lines().skip(1)).isEmpty();
        String adds = as("compliance").getForObject("/api/audit/export?format=csv&action=PUSH_ADD", String.class);
        assertThat(adds.lines().skip(1)).hasSize((int) audit.count("PUSH_ADD")).allMatch(l -> l.contains("PUSH_ADD"));
        assertThat(json).hasSize(1);
        assertThat(none).isEmpty();
    }

    @Test
    void signedCheckpointsCatchEntriesCutOffTheEndOfTheLog() {
        runner.run("nightly", "test"); // every run ends with a signed checkpoint
        Map<?, ?> intact = as("compliance").getForObject("/api/audit/verify", Map.class);
        long last = store.sql("SELECT MAX(id) FROM audit_log").query(Long.class).single();

        store.sql("DELETE FROM audit_log WHERE id = :id").param("id", last).update();
        Map<?, ?> truncated = as("compliance").getForObject("/api/audit/verify", Map.class);

        assertThat(intact.get("intact")).isEqualTo(true);
        assertThat(((Number) intact.get("checkpoints")).longValue()).isEqualTo(1);
        assertThat(truncated.get("intact")).isEqualTo(false);
        assertThat(truncated.get("problem").toString()).contains("removed from its end");
    }

    private TestRestTemplate as(String user) {
        return http.withBasicAuth(user, user + "-demo");
    }

    private static String ADA() {
        return HubFixture.ADA_EMAIL;
    }

    private String golden(String system, String recordId) {
        return store.sql("SELECT g.golden_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id WHERE r.system = :s AND r.record_id = :r")
                .param("s", system).param("r", recordId).query(String.class).single();
    }

    private Map<String, String> pushed(String destination, String segment) throws IOException {
        return Files.readAllLines(fixture.out.resolve(segment + ".csv")).stream().skip(1)
                .map(l -> l.split(",", -1)).collect(Collectors.toMap(c -> c[0], c -> c[1]));
    }

    private List<String> changesFile(String segment) throws IOException {
        try (var files = Files.list(fixture.out.resolve(segment))) {
            Path only = files.filter(p -> p.toString().endsWith("-changes.csv")).findFirst().orElseThrow();
            return Files.readAllLines(only);
        }
    }

    private List<String> erpTable() {
        return new JdbcTemplate(connections.get(fixture.erpUrl, "sa", null)).query(
                "SELECT segment_id, golden_id, external_id FROM hub_segment_members ORDER BY segment_id, golden_id",
                (rs, n) -> rs.getString(1) + "," + rs.getString(2) + "," + rs.getString(3));
    }
}
