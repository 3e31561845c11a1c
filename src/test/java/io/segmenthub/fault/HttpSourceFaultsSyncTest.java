package io.segmenthub.fault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.segmenthub.pipeline.RunReport;
import io.segmenthub.pipeline.SyncFailedException;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Faults of an HTTP source during whole sync runs (issue 9), each judged by what the store holds
 * afterwards. The source is a declarative {@code type: http} connector (OAuth2 client credentials,
 * offset paging with a total, ISO watermark) against WireMock; the API serves eight contacts in
 * pages of three: seven people and one record without an id (quarantined), one of the seven has
 * opted out of the connector's purpose (dropped by the consent gate). A transient fault (5xx, reset
 * connection, a response past the timeout, 429 with {@code Retry-After}, an expired token, a page
 * that repeats a record) must leave exactly the store of a clean run; a skipped page and a source
 * that keeps failing must leave the watermark where it was, and the next run against a healthy API
 * must end as a clean run. No personal value of the API's answers reaches the logs or the stored
 * run errors.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ExtendWith({OutputCaptureExtension.class, Reliability.class})
class HttpSourceFaultsSyncTest {

    static final String CONNECTOR = "crm-api";
    static final String TOKEN = "/oauth/token";
    static final String CONTACTS = "/v1/contacts";
    static final int TOTAL = 8;
    static final String[] FAMILY = {"Wrenfield", "Corriemuir", "Sallowmere", "Tavistree", "Ullswick", "Varrowdale", "Wimbleforth"};
    static final String LATEST = modified(7);

    @TempDir
    static Path root;
    static final WireMockServer api = new WireMockServer(wireMockConfig().dynamicPort());
    static Map<String, Object> clean;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) {
        api.start();
        writeConfig();
        registry.add("segmenthub.config-dir", () -> root.resolve("config").toString());
        registry.add("segmenthub.data-dir", () -> root.resolve("data").toString());
        registry.add("segmenthub.keystore", () -> root.resolve("data/keystore.bcfks").toString());
        registry.add("segmenthub.keystore-password", () -> "http-faults-keystore");
        registry.add("segmenthub.schedules-enabled", () -> "false");
        registry.add("spring.flyway.clean-disabled", () -> "false");
        registry.add("CRM_API_SECRET", () -> "client-secret-1");
        if (!FaultStore.onPostgres()) {
            registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + root.resolve("data/hub").toAbsolutePath());
        }
    }

    @AfterAll
    static void stopApi() {
        api.stop();
    }

    @Autowired SyncRunner runner;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;

    @BeforeEach
    void cleanStoreAndApi() {
        flyway.clean();
        flyway.migrate();
        api.resetAll();
        if (clean == null) {
            healthyApi();
            SyncRun run = runner.run("nightly", "test");
            assertCountsAddUp(run);
            clean = results(run.id());
            flyway.clean();
            flyway.migrate();
            api.resetAll();
        }
    }

    // ---- the made-up API ------------------------------------------------------------------------

    static void writeConfig() {
        FaultWorld.write(root.resolve("config/users.yml"), """
                users:
                  - {name: admin, password-hash: "$2a$10$0IDsw8aI/0GQJVcLnnlU5ekURLs2lljnqoht7fVL3kscHyk4/Shoy", roles: [admin]}
                """);
        FaultWorld.write(root.resolve("config/hub.yml"), """
                hub:
                  personal-data: [given_name, family_name, full_name, email, phone, street, postcode, birth_date]
                  default-region: GB
                  scoring:
                    as-of: 2026-11-01
                    currency: GBP
                syncs:
                  - id: nightly
                    cron: "0 0 2 * * ?"
                """);
        FaultWorld.write(root.resolve("config/purposes.yml"), """
                purposes:
                  - id: customer_account
                    basis: contract
                  - id: marketing_email
                    basis: consent
                """);
        FaultWorld.write(root.resolve("config/segments.yml"), """
                segments:
                  - id: buyers
                    purpose: marketing_email
                    rule: "orders >= 1"
                """);
        // timeout 1 s (the smallest), back-off 10 ms doubling to at most 200 ms, which also caps Retry-After
        FaultWorld.write(root.resolve("config/connectors.yml"), """
                connectors:
                  - id: %s
                    type: http
                    system: crm
                    purpose: marketing_email
                    http:
                      base-url: %s
                      auth:
                        login:
                          method: POST
                          path: %s
                          form: {grant_type: client_credentials, client_id: hub, client_secret: "${CRM_API_SECRET}"}
                        extract: {access_token: /access_token}
                        expires-in: /expires_in
                        inject:
                          headers: {Authorization: "Bearer {{auth.access_token}}"}
                      request:
                        method: GET
                        path: %s
                        query: {since: "{{cursor}}", offset: "{{offset}}", limit: "{{limit}}"}
                      paging: {type: offset, limit: 3, total: /total}
                      records: /contacts
                      incremental: {field: modified, format: iso, look-back-seconds: 0}
                      errors: {max-retries: 3, backoff-millis: 10, max-backoff-millis: 200}
                      timeout-seconds: 1
                    mapping:
                      id: contact_id
                      updated-at: modified
                      identity: {given_name: first_name, family_name: last_name, email: email, phone: mobile}
                      consent: {marketing_email: email_opt_in}
                """.formatted(CONNECTOR, api.baseUrl(), TOKEN, CONTACTS));
    }

    static String email(int i) {
        return ("river." + FAMILY[i - 1] + "@example.org").toLowerCase(Locale.ROOT);
    }

    /** Ofcom's drama range: never a real subscriber. */
    static String phone(int i) {
        return "+44 7700 900" + String.format("%03d", 500 + i);
    }

    static String modified(int i) {
        return "2026-05-01T10:00:%02dZ".formatted(i);
    }

    /** Contact {@code C-i}; 6 opted out of e-mail; 0 is the record without an id. */
    static String contact(int i) {
        if (i == 0) {
            return "{\"first_name\":\"Nobody\",\"modified\":\"2026-05-01T09:00:00Z\",\"email_opt_in\":true}";
        }
        return "{\"contact_id\":\"C-%d\",\"first_name\":\"River\",\"last_name\":\"%s\",\"email\":\"%s\",\"mobile\":\"%s\",\"modified\":\"%s\",\"email_opt_in\":%s}"
                .formatted(i, FAMILY[i - 1], email(i), phone(i), modified(i), i != 6);
    }

    static String page(int... contacts) {
        List<String> items = new ArrayList<>();
        for (int c : contacts) {
            items.add(contact(c));
        }
        return "{\"total\":" + TOTAL + ",\"contacts\":[" + String.join(",", items) + "]}";
    }

    static MappingBuilder pageAt(int offset) {
        return get(urlPathEqualTo(CONTACTS)).withQueryParam("offset", equalTo(String.valueOf(offset)));
    }

    static void token(String value) {
        api.stubFor(post(TOKEN).willReturn(okJson("{\"access_token\":\"" + value + "\",\"expires_in\":3600}")));
    }

    /** The API when nothing goes wrong: [C-1, C-2, C-3] [no id, C-4, C-5] [C-6, C-7]. */
    static void healthyApi() {
        token("T1");
        api.stubFor(pageAt(0).willReturn(okJson(page(1, 2, 3))));
        api.stubFor(pageAt(3).willReturn(okJson(page(0, 4, 5))));
        api.stubFor(pageAt(6).willReturn(okJson(page(6, 7))));
    }

    /** The healthy API, except that the second page fails once as given, then answers. */
    static void secondPageFailsOnceWith(ResponseDefinitionBuilder failure) {
        healthyApi();
        api.stubFor(pageAt(3).inScenario("fault").whenScenarioStateIs(Scenario.STARTED).willReturn(failure).willSetStateTo("recovered"));
        api.stubFor(pageAt(3).inScenario("fault").whenScenarioStateIs("recovered").willReturn(okJson(page(0, 4, 5))));
    }

    // ---- what the store holds -------------------------------------------------------------------

    /** Everything a run leaves that a clean run is compared by; golden ids are random, so profiles are named by their records. */
    Map<String, Object> results(String runId) {
        Map<String, Object> results = new TreeMap<>();
        results.put("source records", sourceRecords());
        TreeMap<String, TreeSet<String>> byGolden = new TreeMap<>();
        store.sql("SELECT g.golden_id, r.record_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id").query((rs, n) ->
                byGolden.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2))).list();
        results.put("profiles", new TreeSet<>(byGolden.values().stream().map(Object::toString).toList()));
        results.put("active profiles", activeProfiles());
        results.put("watermark", watermark());
        // the same bad record is quarantined again by every run that reads it (at the page position it came at this time):
        // compare the reasons of the run's own quarantine
        results.put("quarantined by the run", store.sql("SELECT reason FROM quarantine WHERE run_id = :run")
                .param("run", runId).query(String.class).list());
        return results;
    }

    /** The record ids stored, sorted with repeats kept: a duplicate shows as an id twice. */
    List<String> sourceRecords() {
        return store.sql("SELECT record_id FROM source_record WHERE system = 'crm' ORDER BY record_id").query(String.class).list();
    }

    long activeProfiles() {
        return store.sql("SELECT COUNT(*) FROM golden_profile WHERE merged_into IS NULL AND erased_at IS NULL").query(Long.class).single();
    }

    String watermark() {
        return store.sql("SELECT position FROM watermark WHERE connector_id = :id").param("id", CONNECTOR).query(String.class)
                .optional().orElse(null);
    }

    long count(String table) {
        return store.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    String status(String runId) {
        return store.sql("SELECT status FROM sync_run WHERE id = :id").param("id", runId).query(String.class).single();
    }

    static void assertCountsAddUp(SyncRun run) {
        RunReport.ConnectorCounts c = run.report().connector(CONNECTOR);
        assertThat(c.pulled()).as("pulled: every distinct record of the API").isEqualTo(TOTAL);
        assertThat(c.quarantinedTotal()).as("the record without an id").isEqualTo(1);
        assertThat(c.droppedTotal()).as("C-6 opted out").isEqualTo(1);
        // a rerun finds records a failed run already stored: those count as unchanged, not stored again
        assertThat(c.pulled()).as("pulled = stored + unchanged + quarantined + dropped by consent")
                .isEqualTo(c.stored() + c.unchanged() + c.quarantinedTotal() + c.droppedTotal());
    }

    /** A run that should end as a clean run: SUCCEEDED, counts add up, and the store equal to the clean run's. */
    SyncRun runEndsAsACleanRun() {
        SyncRun run = runner.run("nightly", "test");
        assertThat(status(run.id())).isEqualTo("SUCCEEDED");
        assertCountsAddUp(run);
        assertThat(results(run.id())).isEqualTo(clean);
        return run;
    }

    void assertNoPersonalData(CapturedOutput output) {
        String text = (output.getAll() + store.sql("SELECT error FROM sync_run WHERE error IS NOT NULL").query(String.class).list())
                .toLowerCase(Locale.ROOT);
        List<String> leaked = new ArrayList<>();
        for (int i = 1; i <= FAMILY.length; i++) {
            for (String value : List.of(FAMILY[i - 1], email(i), phone(i), phone(i).replace(" ", ""), phone(i).substring(4))) {
                if (text.contains(value.toLowerCase(Locale.ROOT))) {
                    leaked.add(value);
                }
            }
        }
        assertThat(leaked).as("personal values in the logs or run errors").isEmpty();
        assertThat(text).doesNotContain("client-secret-1");
    }

    int requestsForSecondPage() {
        return api.findAll(getRequestedFor(urlPathEqualTo(CONTACTS)).withQueryParam("offset", equalTo("3"))).size();
    }

    // ---- the faults -----------------------------------------------------------------------------

    @Test
    void aCleanRunStoresEveryRecordOnceAndTheLatestWatermark() {
        assertThat(clean.get("source records")).isEqualTo(List.of("C-1", "C-2", "C-3", "C-4", "C-5", "C-7"));
        assertThat(clean.get("active profiles")).isEqualTo(6L);
        assertThat(clean.get("watermark")).isEqualTo(LATEST);
        assertThat((List<?>) clean.get("quarantined by the run")).singleElement().asString().contains("missing record id");
        Reliability.record("source", "http source with no fault (the baseline every case below is compared with): 8 records in 3 pages, "
                        + "one without an id, one opted out",
                "the run SUCCEEDED: 6 records stored once, 6 profiles, the id-less record quarantined, the opted-out one dropped "
                        + "by the consent gate (pulled = stored + quarantined + dropped), the watermark at the latest record", "nothing");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 502, 503})
    void aServerErrorIsRetriedAndTheRunEndsAsACleanRun(int status, CapturedOutput output) {
        secondPageFailsOnceWith(aResponse().withStatus(status).withBody("{\"error\":\"upstream for river.wrenfield@example.org\"}"));

        SyncRun run = runEndsAsACleanRun();

        assertThat(requestsForSecondPage()).isEqualTo(2);
        assertThat(run.report().connector(CONNECTOR).stored()).isEqualTo(6);
        assertNoPersonalData(output);
        Reliability.record("source", "HTTP " + status + " from an http source's second page, once",
                "retried after a back-off; the run SUCCEEDED with every record stored once, the clean run's profiles and watermark", "nothing");
    }

    @Test
    void aConnectionResetIsRetriedAndTheRunEndsAsACleanRun(CapturedOutput output) {
        secondPageFailsOnceWith(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        runEndsAsACleanRun();

        assertThat(requestsForSecondPage()).isEqualTo(2);
        assertNoPersonalData(output);
        Reliability.record("source", "connection reset by the http source's server mid-run",
                "retried; the run SUCCEEDED with every record stored once, the clean run's profiles and watermark", "nothing");
    }

    @Test
    void aResponseSlowerThanTheTimeoutIsRetriedAndTheRunEndsAsACleanRun(CapturedOutput output) {
        secondPageFailsOnceWith(okJson(page(0, 4, 5)).withFixedDelay(1_500));

        runEndsAsACleanRun();

        assertThat(requestsForSecondPage()).isEqualTo(2);
        assertThat(output.getAll()).contains("timed out after 1 s");
        assertNoPersonalData(output);
        Reliability.record("source", "http source answers a page after 1.5 s, past the configured 1 s timeout",
                "the request timed out and was repeated; the run SUCCEEDED with every record stored once, the clean run's results", "nothing");
    }

    @Test
    void a429WithRetryAfterIsWaitedOutUpToTheCapAndTheRunEndsAsACleanRun(CapturedOutput output) {
        secondPageFailsOnceWith(aResponse().withStatus(429).withHeader("Retry-After", "30"));

        runEndsAsACleanRun();

        List<ServeEvent> second = api.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains("offset=3"))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        assertThat(second).hasSize(2);
        long waited = second.get(1).getRequest().getLoggedDate().getTime() - second.get(0).getRequest().getLoggedDate().getTime();
        assertThat(waited).as("waited the Retry-After, capped by max-backoff-millis (200 ms)").isBetween(200L, 5_000L);
        assertNoPersonalData(output);
        Reliability.record("source", "HTTP 429 with Retry-After: 30 from an http source",
                "waited (Retry-After capped by errors.max-backoff-millis) and repeated the request; the run SUCCEEDED with the clean run's results",
                "nothing");
    }

    @Test
    void aTokenExpiringMidRunIsRenewedAndTheRunEndsAsACleanRun(CapturedOutput output) {
        healthyApi();
        api.stubFor(post(TOKEN).inScenario("token").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"access_token\":\"T1\",\"expires_in\":3600}")).willSetStateTo("issued"));
        api.stubFor(post(TOKEN).inScenario("token").whenScenarioStateIs("issued")
                .willReturn(okJson("{\"access_token\":\"T2\",\"expires_in\":3600}")));
        // the first token stops working after the first page
        api.stubFor(pageAt(3).withHeader("Authorization", equalTo("Bearer T1"))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"token expired\"}")));
        api.stubFor(pageAt(6).withHeader("Authorization", equalTo("Bearer T1"))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"token expired\"}")));

        runEndsAsACleanRun();

        api.verify(2, postRequestedFor(urlPathEqualTo(TOKEN)));
        assertThat(requestsForSecondPage()).isEqualTo(2);
        assertNoPersonalData(output);
        Reliability.record("source", "the http source's access token expires mid-run (HTTP 401 on the second page)",
                "logged in again and repeated the page; the run SUCCEEDED with the clean run's results", "nothing");
    }

    @Test
    void aRecordRepeatedOnTheNextPageIsStoredOnce(CapturedOutput output) {
        healthyApi();
        // a contact earlier in the order vanished while paging: page 2 starts one record early
        api.stubFor(pageAt(3).willReturn(okJson(page(3, 0, 4))));
        api.stubFor(pageAt(6).willReturn(okJson(page(5, 6, 7))));

        SyncRun run = runEndsAsACleanRun();

        assertThat(run.report().notes()).containsKey("connector " + CONNECTOR + " repeated records");
        assertNoPersonalData(output);
        Reliability.record("source", "http source pages drift back: a record comes again on the next page",
                "passed on once (noted in the run report); the run SUCCEEDED with every record stored once and the clean run's watermark",
                "nothing");
    }

    @Test
    void aSkippedRecordKeepsTheWatermarkAndTheNextRunReadsTheGap(CapturedOutput output) {
        healthyApi();
        // a contact earlier in the order was inserted while paging: page 2 starts one record late and C-4 is never served
        api.stubFor(pageAt(3).willReturn(okJson(page(0, 5, 6))));
        api.stubFor(pageAt(6).willReturn(okJson(page(7))));

        SyncRun drifted = runner.run("nightly", "test");

        assertThat(status(drifted.id())).isEqualTo("SUCCEEDED");
        RunReport.ConnectorCounts c = drifted.report().connector(CONNECTOR);
        assertThat(c.pulled()).isEqualTo(TOTAL - 1);
        assertThat(c.pulled()).isEqualTo(c.stored() + c.unchanged() + c.quarantinedTotal() + c.droppedTotal());
        assertThat(sourceRecords()).containsExactly("C-1", "C-2", "C-3", "C-5", "C-7");
        assertThat(activeProfiles()).isEqualTo(5);
        assertThat(watermark()).as("not advanced past the skipped C-4 (%s)", modified(4)).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(drifted.report().notes().get("connector " + CONNECTOR + " drift")).contains("watermark not advanced");

        api.resetAll();
        healthyApi();
        runEndsAsACleanRun();
        assertNoPersonalData(output);
        Reliability.record("source", "http source pages drift forward: a record is skipped (API total 8, 7 served)",
                "the run SUCCEEDED with what arrived but kept the watermark (drift noted in the run report); "
                        + "the next run read the gap and ended with the clean run's records, profiles and watermark",
                "nothing");
    }

    @Test
    void aSourceThatKeepsFailingFailsTheRunCleanlyAndARerunEndsAsACleanRun(CapturedOutput output) {
        healthyApi();
        api.stubFor(pageAt(3).willReturn(aResponse().withStatus(503).withBody("{\"error\":\"down for river.corriemuir@example.org\"}")));

        assertThatThrownBy(() -> runner.run("nightly", "test")).isInstanceOf(SyncFailedException.class)
                .hasMessageContaining("HTTP 503").hasMessageContaining("gave up after 4 attempts");

        assertThat(requestsForSecondPage()).isEqualTo(4);
        String error = store.sql("SELECT error FROM sync_run WHERE status = 'FAILED'").query(String.class).single();
        assertThat(error).contains("connector '" + CONNECTOR + "'").contains("HTTP 503");
        assertThat(watermark()).as("no watermark moved").isNull();
        assertThat(sourceRecords()).as("nothing stored twice, nothing from past the failed page")
                .doesNotHaveDuplicates().isSubsetOf(List.of("C-1", "C-2", "C-3"));
        assertThat(activeProfiles()).as("the run stopped in the pull: no profile state committed").isZero();
        assertThat(count("sync_run")).isEqualTo(1);

        api.resetAll();
        healthyApi();
        runEndsAsACleanRun();
        assertThat(store.sql("SELECT COUNT(*) FROM sync_run WHERE status = 'SUCCEEDED'").query(Long.class).single()).isEqualTo(1);
        assertNoPersonalData(output);
        Reliability.record("source", "http source answers HTTP 503 to every retry of a page",
                "retried 3 times, then the run FAILED with the reason (" + FaultStore.shorten(error)
                        + "); no watermark moved; the rerun against the recovered API ended with the clean run's results",
                "nothing");
    }
}
