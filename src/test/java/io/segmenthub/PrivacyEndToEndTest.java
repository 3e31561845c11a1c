package io.segmenthub;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.crypto.CryptoException;
import io.segmenthub.crypto.KeyRotation;
import io.segmenthub.pipeline.RunReport;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import io.segmenthub.subject.ErasureReceipts;
import io.segmenthub.subject.SubjectRequestException;
import io.segmenthub.subject.SubjectRequests;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Subject access and erasure requests and master-key rotation, over whole syncs of the small company in {@link HubFixture}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PrivacyEndToEndTest {

    @TempDir
    static Path root;
    static HubFixture fixture;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) {
        fixture = new HubFixture(root).writeConfig();
        StoreUnderTest.register(registry, fixture);
    }

    @Autowired SyncRunner runner;
    @Autowired SubjectRequests subjects;
    @Autowired ErasureReceipts receipts;
    @Autowired AuditLog audit;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;
    @Autowired JdbcConnections connections;
    @Autowired DataSource hubDataSource;
    @Autowired KeyRotation rotation;
    @Autowired io.segmenthub.audit.ConfigChanges configChanges;

    @BeforeEach
    void cleanWorld() {
        fixture.reset(flyway, connections);
    }

    @Test
    void accessExportHoldsTheDecryptedRecordsConsentSegmentsAndPushes() {
        runner.run("nightly", "test");

        Map<String, Object> export = subjects.access(Optional.of("  BOB.STONE@example.com "), Optional.empty(), "test");

        List<?> profiles = (List<?>) export.get("profiles");
        assertThat(profiles).hasSize(1);
        Map<?, ?> bob = (Map<?, ?>) profiles.get(0);
        assertThat(bob.get("records").toString()).contains(HubFixture.BOB_EMAIL, "Stone", "crm", "C-3", "erp", "K3", "O4");
        assertThat(bob.get("consentHistory").toString()).contains("marketing_email", "granted");
        assertThat(bob.get("consentNow").toString()).contains("marketing_email=permitted");
        assertThat(bob.get("segments").toString()).contains("buyers");
        assertThat(bob.get("pushedTo").toString()).contains("newsletter");
        assertThat(audit.count("PII_ACCESS")).isEqualTo(1);
    }

    /**
     * Newcomers ahead of Bob in the CRM's next export: its first two batches (of two) are all new, so
     * the batch Bob is in is admitted while the one before it is stored. Bob stays out all the same.
     */
    @Test
    void anErasedPersonInABatchAdmittedAheadIsKeptOut() throws Exception {
        runner.run("nightly", "test");
        subjects.erase(Optional.of(HubFixture.BOB_EMAIL), Optional.empty(), "test");

        Path crm = root.resolve("sources/crm.json");
        String newcomers = java.util.stream.IntStream.rangeClosed(1, 4).mapToObj(n -> """
                {"contact_id": "N-%1$d", "first_name": "Nia", "last_name": "Newcomer", "email": "nia.%1$d@example.org", "mobile": null,
                 "country": "GB", "modified": "2026-04-01T08:00:00Z", "email_opt_in": true},""".formatted(n))
                .collect(java.util.stream.Collectors.joining("\n"));
        Files.writeString(crm, Files.readString(crm).replaceFirst("\\[", java.util.regex.Matcher.quoteReplacement("[\n" + newcomers)));
        SyncRun next = runner.run("nightly", "test");

        assertThat(next.report().connector("crm").droppedByConsent()).containsEntry(RunReport.ERASED, 1L);
        assertThat(store.sql("SELECT record_id FROM source_record WHERE system = 'crm' ORDER BY record_id").query(String.class).list())
                .containsExactly("C-1", "C-2", "N-1", "N-2", "N-3", "N-4");
    }

    @Test
    void erasureShredsThePersonRemovesThemDownstreamAndKeepsThemOut() throws Exception {
        runner.run("nightly", "test");
        String bob = store.sql("SELECT g.golden_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id WHERE r.system = 'erp' AND r.record_id = 'K3'").query(String.class).single();
        long keysBefore = store.sql("SELECT COUNT(*) FROM data_key").query(Long.class).single();

        var erasure = subjects.erase(Optional.of(HubFixture.BOB_EMAIL), Optional.empty(), "test");

        assertThat(erasure.goldenIds()).containsExactly(bob);
        assertThat(erasure.records()).isEqualTo(2);
        assertThat(store.sql("SELECT COUNT(*) FROM data_key").query(Long.class).single()).isEqualTo(keysBefore - 2);
        assertThat(store.sql("SELECT COUNT(*) FROM record_golden WHERE golden_id = :g").param("g", bob).query(Long.class).single()).isZero();
        assertThat(StoreUnderTest.scan(hubDataSource, List.of(HubFixture.BOB_EMAIL, "Stone"))).isEmpty();
        assertThat(audit.count("ERASURE")).isEqualTo(2);

        // the CRM still holds Bob: its next export is read again, and Bob is not imported again
        Path crm = root.resolve("sources/crm.json");
        Files.writeString(crm, Files.readString(crm) + "\n");
        SyncRun next = runner.run("nightly", "test");

        assertThat(next.report().connector("crm").droppedByConsent()).containsEntry(RunReport.ERASED, 1L);
        assertThat(store.sql("SELECT COUNT(*) FROM source_record WHERE record_id IN ('C-3', 'K3')").query(Long.class).single()).isZero();
        assertThat(next.report().destination("newsletter").removes()).isEqualTo(1);
        assertThat(store.sql("SELECT detail FROM audit_log WHERE action = 'PUSH_REMOVE' AND subject = :g").param("g", bob)
                .query(String.class).list()).isNotEmpty().allMatch(detail -> detail.endsWith("reason=erased"));
        assertThat(Files.readAllLines(fixture.out.resolve("buyers.csv"))).noneMatch(l -> l.startsWith(bob));
        // one receipt per destination that had Bob: the newsletter, and the A/B list unless Bob was in its holdout
        var expected = new java.util.ArrayList<org.assertj.core.groups.Tuple>();
        if (!io.segmenthub.segment.Holdouts.inControlGroup("buyers-ab", bob, 0.5)) {
            expected.add(org.assertj.core.groups.Tuple.tuple("ab-test", "buyers-ab"));
        }
        expected.add(org.assertj.core.groups.Tuple.tuple("newsletter", "buyers"));
        assertThat(receipts.forRequest(erasure.requestId())).extracting(ErasureReceipts.Receipt::destinationId, ErasureReceipts.Receipt::segmentId)
                .containsExactlyElementsOf(expected);
        assertThat(subjects.access(Optional.of(HubFixture.BOB_EMAIL), Optional.empty(), "test")).containsKey("erasedAt");
    }

    @Test
    void erasureAlsoShredsQuarantinedRowsThatHoldThePerson() {
        runner.run("nightly", "test");
        // the CRM row without an id was quarantined, sealed; it holds this e-mail
        long quarantinedKeys = store.sql("SELECT COUNT(*) FROM quarantine q JOIN data_key k ON k.id = q.data_key_id WHERE q.connector_id = 'crm'")
                .query(Long.class).single();
        assertThat(quarantinedKeys).isEqualTo(1);

        var erasure = subjects.erase(Optional.of("No.Id@Example.org"), Optional.empty(), "test");

        assertThat(erasure.records()).isZero();
        assertThat(store.sql("SELECT COUNT(*) FROM quarantine q JOIN data_key k ON k.id = q.data_key_id WHERE q.connector_id = 'crm'")
                .query(Long.class).single()).isZero();
        assertThat(store.sql("SELECT COUNT(*) FROM quarantine WHERE connector_id = 'crm'").query(Long.class).single())
                .as("the row and its reason stay, unreadable").isEqualTo(1);
        assertThat(store.sql("SELECT detail FROM audit_log WHERE action = 'ERASURE'").query(String.class).single()).contains("quarantined_rows=1");
    }

    @Test
    void anErasedPersonWhoConsentsAgainIsImportedAgain() throws Exception {
        runner.run("nightly", "test");
        subjects.erase(Optional.of(HubFixture.BOB_EMAIL), Optional.empty(), "test");

        fixture.appendConsent(HubFixture.BOB_EMAIL + ",,marketing_email,granted," + Instant.now().plusSeconds(1) + ",form:comeback");
        Path crm = root.resolve("sources/crm.json");
        Files.writeString(crm, Files.readString(crm) + "\n");
        runner.run("nightly", "test");

        assertThat(store.sql("SELECT COUNT(*) FROM source_record WHERE system = 'crm' AND record_id = 'C-3'").query(Long.class).single()).isOne();
    }

    @Test
    void rotatingTheMasterKeyRewrapsEveryDataKeyAndKeepsEveryRecordReadable() {
        runner.run("nightly", "test");
        long dataKeys = store.sql("SELECT COUNT(*) FROM data_key").query(Long.class).single();
        String before = store.sql("SELECT MIN(master_key_id) FROM data_key").query(String.class).single();

        KeyRotation.Result rotated = rotation.rotate("test");

        assertThat(rotated.rewrapped()).isEqualTo(dataKeys);
        assertThat(store.sql("SELECT DISTINCT master_key_id FROM data_key").query(String.class).list())
                .containsExactly(rotated.currentMasterKeyId()).doesNotContain(before);
        assertThat(rotation.rewrap().rewrapped()).isZero();
        assertThat(subjects.access(Optional.of(HubFixture.ADA_EMAIL), Optional.empty(), "test").toString()).contains(HubFixture.ADA_EMAIL);

        KeyRotation.Result retired = rotation.retire(before, "test");
        assertThat(retired.masterKeyIds()).doesNotContain(before).contains(rotated.currentMasterKeyId());
        assertThat(subjects.access(Optional.of(HubFixture.ADA_EMAIL), Optional.empty(), "test").toString()).contains(HubFixture.ADA_EMAIL);
        assertThatThrownBy(() -> rotation.retire(rotated.currentMasterKeyId(), "test")).isInstanceOf(CryptoException.class);
        assertThat(audit.count("KEY_ROTATION")).isEqualTo(2);
        // records stored after the rotation are sealed under the new key
        runner.run("nightly", "test");
        assertThat(store.sql("SELECT DISTINCT master_key_id FROM data_key").query(String.class).list())
                .containsExactly(rotated.currentMasterKeyId());
    }

    @Test
    void configFilesAreAuditedWhenTheyChange() throws Exception {
        configChanges.recordChanges();
        assertThat(audit.count("CONFIG")).isEqualTo(5); // the five files (users.yml too), first seen

        configChanges.recordChanges();
        assertThat(audit.count("CONFIG")).isEqualTo(5); // nothing changed

        Path segments = fixture.config.resolve("segments.yml");
        String original = Files.readString(segments);
        try {
            Files.writeString(segments, original + "\n# reviewed by the DPO\n");
            configChanges.recordChanges();
        } finally {
            Files.writeString(segments, original);
        }
        assertThat(store.sql("SELECT subject FROM audit_log WHERE action = 'CONFIG' ORDER BY id DESC LIMIT 1").query(String.class).single())
                .isEqualTo("segments.yml");
        assertThat(audit.count("CONFIG")).isEqualTo(6);
    }

    @Test
    void aRequestWithoutAValidIdentifierIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> subjects.erase(Optional.of("not-an-email"), Optional.empty(), "test"))
                .isInstanceOf(SubjectRequestException.class)
                .hasMessageNotContaining("not-an-email");
    }
}
