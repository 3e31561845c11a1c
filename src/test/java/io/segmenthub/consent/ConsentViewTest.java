package io.segmenthub.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.crypto.MasterKeys;
import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubSettings;
import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.TestPostgres;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Each profile's consent per purpose, decided over the events of all its records' identifiers, on both stores. */
class ConsentViewTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Instant T1 = Instant.parse("2026-01-10T08:00:00Z");
    static final Instant T2 = Instant.parse("2026-02-20T17:30:00Z");

    @TempDir
    static Path dir;

    static BlindIndex blindIndex;

    @BeforeAll
    static void openKeystore() {
        blindIndex = new BlindIndex(MasterKeys.openOrCreate(dir.resolve("keystore.bcfks"), "pw-for-tests".toCharArray()));
    }

    @Test
    void decidesEachProfileOverAllItsIdentifiersOnH2() {
        decidesEachProfileOverAllItsIdentifiers(MemoryStore.migrated("consent-view"));
    }

    @Test
    void decidesEachProfileOverAllItsIdentifiersOnPostgres() throws Exception {
        TestPostgres.inMigratedSchema("consent_view", (pool, schema) -> decidesEachProfileOverAllItsIdentifiers(pool));
    }

    void decidesEachProfileOverAllItsIdentifiers(DataSource ds) {
        JdbcClient jdbc = JdbcClient.create(ds);
        var named = new NamedParameterJdbcTemplate(ds);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        ConsentLedger ledger = new ConsentLedger(jdbc, named, new AuditLog(jdbc, new BulkInsert(ds, named), clock), new BulkInsert(ds, named), clock);
        Map<String, Purpose> purposes = new LinkedHashMap<>();
        purposes.put("analytics", new Purpose("analytics", LawfulBasis.CONSENT, null, null));
        purposes.put("marketing_email", new Purpose("marketing_email", LawfulBasis.CONSENT, null, null));
        purposes.put("customer_account", new Purpose("customer_account", LawfulBasis.CONTRACT, null, null));
        purposes.put("product_improvement", new Purpose("product_improvement", LawfulBasis.LEGITIMATE_INTEREST, null, null));
        HubConfig config = new HubConfig(Path.of("."), new HubSettings(List.of("email"), "GB", null, null), List.of(), List.of(),
                List.of(), purposes, List.of());

        // G-1: two records, an e-mail on one and a phone on the other
        record(jdbc, 1, "crm", "A", "G-1", "email", "email-ann");
        record(jdbc, 2, "erp", "B", "G-1", "phone", "phone-ann");
        // G-2 and G-4: one record each; G-3 has no events at all; record 6 is not resolved yet
        record(jdbc, 3, "web", "C", "G-2", "email", "email-bob");
        record(jdbc, 4, "web", "D", "G-3", "email", "email-cy");
        record(jdbc, 5, "web", "E", "G-4", "email", "email-di");
        record(jdbc, 6, "web", "F", null, "email", "email-ed");
        ledger.record(List.of(
                event("email-ann", "analytics", ConsentStatus.GRANTED, T1, null),
                // a later withdrawal on another of the person's identifiers wins
                event("phone-ann", "analytics", ConsentStatus.WITHDRAWN, T2, null),
                // the record itself is an identifier too
                event(blindIndex.of("record", "erp/B"), "marketing_email", ConsentStatus.GRANTED, T2, null),
                event("email-ann", "product_improvement", ConsentStatus.DENIED, T1, null),
                event("email-ann", "customer_account", ConsentStatus.WITHDRAWN, T2, null),
                // an expired grant is no consent
                event("email-bob", "analytics", ConsentStatus.GRANTED, T1, T2),
                // at the same instant the more restrictive wins, whichever identifier it came through
                event("email-bob", "marketing_email", ConsentStatus.GRANTED, T1, null),
                event(blindIndex.of("record", "web/C"), "marketing_email", ConsentStatus.DENIED, T1, null),
                event("email-di", "marketing_email", ConsentStatus.DENIED, T1, null),
                event(blindIndex.of("record", "web/E"), "marketing_email", ConsentStatus.GRANTED, T1, null),
                event("email-ed", "analytics", ConsentStatus.GRANTED, T1, null),
                event("email-nobody", "analytics", ConsentStatus.GRANTED, T1, null)), "run-1");

        Map<String, Map<String, Boolean>> permitted = new ConsentView(jdbc, ledger, blindIndex, config).permitted(NOW);

        assertThat(permitted).containsOnlyKeys("G-1", "G-2", "G-3", "G-4");
        assertThat(permitted.get("G-1")).isEqualTo(Map.of("analytics", false, "marketing_email", true,
                "customer_account", true, "product_improvement", false));
        assertThat(permitted.get("G-2")).isEqualTo(Map.of("analytics", false, "marketing_email", false,
                "customer_account", true, "product_improvement", true));
        assertThat(permitted.get("G-3")).isEqualTo(Map.of("analytics", false, "marketing_email", false,
                "customer_account", true, "product_improvement", true));
        assertThat(permitted.get("G-4")).isEqualTo(permitted.get("G-3"));
        // the grant expired at T2, so just before it the profile was permitted
        assertThat(new ConsentView(jdbc, ledger, blindIndex, config).permitted(T2.minusSeconds(1)).get("G-2"))
                .containsEntry("analytics", true);
        // asked for some profiles, the view answers for those alone, as it answers for everyone
        Map<String, Map<String, Boolean>> some = new ConsentView(jdbc, ledger, blindIndex, config).permitted(NOW, Set.of("G-1", "G-2")::contains);
        assertThat(some).containsOnlyKeys("G-1", "G-2");
        assertThat(some.get("G-1")).isEqualTo(permitted.get("G-1"));
        assertThat(some.get("G-2")).isEqualTo(permitted.get("G-2"));

        // inside a transaction (the segments stage) every read sees what it has not committed yet, the records' too
        var transactions = new TransactionTemplate(new DataSourceTransactionManager(ds));
        transactions.executeWithoutResult(status -> {
            record(jdbc, 7, "shop", "G", "G-5", "email", "email-fay");
            ledger.record(List.of(event(blindIndex.of("record", "shop/G"), "analytics", ConsentStatus.GRANTED, T1, null)), "run-2");
            assertThat(new ConsentView(jdbc, ledger, blindIndex, config).permitted(NOW).get("G-5")).containsEntry("analytics", true);
            status.setRollbackOnly();
        });
        assertThat(new ConsentView(jdbc, ledger, blindIndex, config).permitted(NOW)).doesNotContainKey("G-5");
    }

    static ConsentEvent event(String subject, String purpose, ConsentStatus status, Instant at, Instant expires) {
        return new ConsentEvent(subject, purpose, status, at, "consent-platform", "web-form", Optional.ofNullable(expires));
    }

    static void record(JdbcClient jdbc, long id, String system, String recordId, String golden, String kind, String hashed) {
        jdbc.sql("""
                        INSERT INTO source_record (id, system, record_id, connector_id, source_updated_at, ingested_at, run_id,
                                                   attributes, present, invalid, content_hash)
                        VALUES (:id, :system, :record, 'crm', :at, :at, 'run-1', '{}', '', '', 'hash')""")
                .param("id", id).param("system", system).param("record", recordId)
                .param("at", Timestamp.from(T1)).update();
        if (golden != null) {
            jdbc.sql("INSERT INTO record_golden (source_record_id, golden_id) VALUES (:id, :golden)").param("id", id).param("golden", golden).update();
        }
        jdbc.sql("INSERT INTO record_index (source_record_id, kind, hashed) VALUES (:id, :kind, :hashed)")
                .param("id", id).param("kind", kind).param("hashed", hashed).update();
    }
}
