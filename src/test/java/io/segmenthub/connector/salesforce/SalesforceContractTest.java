package io.segmenthub.connector.salesforce;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.segmenthub.connector.ConnectionTest;
import io.segmenthub.connector.Watermarks;
import io.segmenthub.pipeline.RunReport;
import io.segmenthub.pipeline.SyncFailedException;
import io.segmenthub.pipeline.SyncRunner;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real salesforce connector and destination in whole sync runs against a WireMock server that
 * answers as Salesforce's documented REST API does: the OAuth token exchange, SOQL paging through
 * {@code nextRecordsUrl}, a session that expires mid-pull, {@code Sforce-Limit-Info} and
 * {@code REQUEST_LIMIT_EXCEEDED}, a Bulk API 2.0 query job, and SObject Collections write-back
 * with a partial failure. Asserts what lands in the store and what was sent to Salesforce.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class SalesforceContractTest {

    static final String DATA = "/services/data/v59.0";
    static final String QUERY = DATA + "/query/";
    static final String CAMPAIGN = "701000000000001AAA";
    static final String ADA = "003000000000001AAA";
    static final String BOB = "003000000000002AAA";
    static final String CY = "00Q000000000003AAA";
    static final WireMockServer salesforce = new WireMockServer(options().dynamicPort());

    static {
        salesforce.start(); // before the Spring context: the config names its port
    }

    @TempDir
    static Path root;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) {
        writeConfig(root.resolve("config"), salesforce.baseUrl());
        registry.add("segmenthub.config-dir", () -> root.resolve("config").toString());
        registry.add("segmenthub.data-dir", () -> root.resolve("data").toString());
        registry.add("segmenthub.keystore", () -> root.resolve("data/keystore.bcfks").toString());
        registry.add("segmenthub.keystore-password", () -> "contract-test");
        registry.add("segmenthub.schedules-enabled", () -> "false");
        registry.add("spring.flyway.clean-disabled", () -> "false");
        registry.add("SF_TEST_CLIENT_SECRET", () -> "s3cret");
        if (!System.getProperty("spring.profiles.active", System.getenv().getOrDefault("SPRING_PROFILES_ACTIVE", "")).contains("postgres")) {
            registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + root.resolve("data/hub").toAbsolutePath());
        }
    }

    @AfterAll
    static void stop() {
        salesforce.stop();
    }

    @Autowired SyncRunner runner;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;
    @Autowired Watermarks watermarks;
    @Autowired SalesforceConnections connections;
    @Autowired ConnectionTest connectionTest;

    @BeforeEach
    void cleanWorld() {
        connections.close(); // every test signs in afresh
        flyway.clean();
        flyway.migrate();
        salesforce.resetAll();
        tokenExchange();
    }

    @Test
    void pullsEveryPageRecoversAnExpiredSessionAndWritesBackOnlyWhatFailedBefore() {
        count(3, "api-usage=10/15000");
        salesforce.stubFor(query("^SELECT Id.*").willReturn(okJson(page(false, DATA + "/query/01gD0000002HU6KIAW-2000",
                contact(ADA, "Ada", "ada@example.org", "2026-05-01T10:00:00.000+0000"),
                contact(BOB, "Bob", "bob@example.org", "2026-05-02T10:00:00.000+0000")))));
        // the session has expired by the second page: 401 for the first token, the page for the renewed one
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/query/01gD0000002HU6KIAW-2000")).withHeader("Authorization", equalTo("Bearer token-1"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")));
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/query/01gD0000002HU6KIAW-2000")).withHeader("Authorization", equalTo("Bearer token-2"))
                .willReturn(okJson(page(true, null, lead(CY, "Cy", "cy@example.org", "2026-05-03T09:00:00.000+0000")))));
        // write-back, first push: Ada already carries another value, Cy already has ours; the update for Bob fails
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/composite/sobjects/Contact")).withQueryParam("ids", equalTo(ADA + "," + BOB))
                .willReturn(okJson("[{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"" + ADA + "\",\"Segments__c\":\"VIP\"},"
                        + "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"" + BOB + "\",\"Segments__c\":null}]")));
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/composite/sobjects/Lead")).withQueryParam("ids", equalTo(CY))
                .willReturn(okJson("[{\"attributes\":{\"type\":\"Lead\"},\"Id\":\"" + CY + "\",\"Segments__c\":\"everyone\"}]")));
        salesforce.stubFor(patch(urlPathEqualTo(DATA + "/composite/sobjects")).inScenario("writes").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("[{\"id\":\"" + ADA + "\",\"success\":true,\"errors\":[]},"
                        + "{\"id\":\"" + BOB + "\",\"success\":false,\"errors\":[{\"statusCode\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\","
                        + "\"message\":\"Segments locked\",\"fields\":[\"Segments__c\"]}]}]"))
                .willSetStateTo("second"));
        salesforce.stubFor(post(urlPathEqualTo(DATA + "/composite/sobjects")).inScenario("members").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("[{\"id\":\"00v000000000001AAA\",\"success\":true,\"errors\":[]},"
                        + "{\"success\":false,\"errors\":[{\"statusCode\":\"DUPLICATE_VALUE\",\"message\":\"already a campaign member\",\"fields\":[]}]},"
                        + "{\"id\":\"00v000000000003AAA\",\"success\":true,\"errors\":[]}]"))
                .willSetStateTo("second"));

        RunReport first = runner.run("nightly", "test").report();

        assertThat(store.sql("SELECT record_id FROM source_record WHERE system = 'salesforce' ORDER BY record_id").query(String.class).list())
                .containsExactlyInAnyOrder(CY, ADA, BOB);
        assertThat(first.connector("sf-contacts").pulled()).isEqualTo(3);
        assertThat(watermarks.get("sf-contacts")).contains("2026-05-03T09:00:00.000Z");
        salesforce.verify(2, postRequestedFor(urlPathEqualTo("/services/oauth2/token"))); // signed in, then again after the 401
        salesforce.verify(1, getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", matching("^SELECT Id.*ORDER BY SystemModstamp.*")));
        salesforce.verify(1, patchRequestedFor(urlPathEqualTo(DATA + "/composite/sobjects")).withRequestBody(equalToJson("""
                {"allOrNone": false, "records": [
                  {"attributes": {"type": "Contact"}, "id": "%s", "Segments__c": "VIP;everyone"},
                  {"attributes": {"type": "Contact"}, "id": "%s", "Segments__c": "everyone"}]}""".formatted(ADA, BOB))));
        salesforce.verify(1, postRequestedFor(urlPathEqualTo(DATA + "/composite/sobjects")).withRequestBody(equalToJson("""
                {"allOrNone": false, "records": [
                  {"attributes": {"type": "CampaignMember"}, "CampaignId": "%1$s", "LeadId": "%2$s"},
                  {"attributes": {"type": "CampaignMember"}, "CampaignId": "%1$s", "ContactId": "%3$s"},
                  {"attributes": {"type": "CampaignMember"}, "CampaignId": "%1$s", "ContactId": "%4$s"}]}""".formatted(CAMPAIGN, CY, ADA, BOB),
                true, false)));
        assertThat(pushedRecords()).containsExactlyInAnyOrder(CY, ADA); // Bob's update failed: not confirmed
        assertThat(first.notes()).anySatisfy((key, note) -> assertThat(note).contains("1 of 3 changes not accepted")
                .contains("FIELD_CUSTOM_VALIDATION_EXCEPTION").doesNotContain("bob@example.org"));

        // second run: nothing changed in Salesforce; only Bob is sent again, and this time it works
        count(0, "api-usage=20/15000");
        salesforce.stubFor(query("^SELECT Id.*").willReturn(okJson(page(true, null))));
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/composite/sobjects/Contact")).withQueryParam("ids", equalTo(BOB))
                .willReturn(okJson("[{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"" + BOB + "\",\"Segments__c\":null}]")));
        salesforce.stubFor(patch(urlPathEqualTo(DATA + "/composite/sobjects")).inScenario("writes").whenScenarioStateIs("second")
                .willReturn(okJson("[{\"id\":\"" + BOB + "\",\"success\":true,\"errors\":[]}]")));
        salesforce.stubFor(post(urlPathEqualTo(DATA + "/composite/sobjects")).inScenario("members").whenScenarioStateIs("second")
                .willReturn(okJson("[{\"success\":false,\"errors\":[{\"statusCode\":\"DUPLICATE_VALUE\",\"message\":\"already a campaign member\",\"fields\":[]}]}]")));

        runner.run("nightly", "test");

        salesforce.verify(1, getRequestedFor(urlPathEqualTo(QUERY))
                .withQueryParam("q", matching("^SELECT Id.*WHERE SystemModstamp >= 2026-05-03T09:00:00.000Z ORDER BY.*")));
        salesforce.verify(2, patchRequestedFor(urlPathEqualTo(DATA + "/composite/sobjects")));
        salesforce.verify(1, patchRequestedFor(urlPathEqualTo(DATA + "/composite/sobjects")).withRequestBody(equalToJson("""
                {"allOrNone": false, "records": [{"attributes": {"type": "Contact"}, "id": "%s", "Segments__c": "everyone"}]}""".formatted(BOB))));
        assertThat(pushedRecords()).containsExactlyInAnyOrder(CY, ADA, BOB);

        // third run: the push is complete, nothing more is written
        runner.run("nightly", "test");
        salesforce.verify(2, patchRequestedFor(urlPathEqualTo(DATA + "/composite/sobjects")));
        salesforce.verify(2, postRequestedFor(urlPathEqualTo(DATA + "/composite/sobjects")));
    }

    @Test
    void stopsPullingAtTheConfiguredShareOfTheDailyAllocationAndContinuesNextRun() {
        count(3, "api-usage=11000/15000");
        salesforce.stubFor(query("^SELECT Id.*").willReturn(okJson(page(false, DATA + "/query/01gLIMIT-2000",
                contact(ADA, "Ada", "ada@example.org", "2026-05-01T10:00:00.000+0000"),
                contact(BOB, "Bob", "bob@example.org", "2026-05-02T10:00:00.000+0000"))).withHeader("Sforce-Limit-Info", "api-usage=12100/15000")));
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/query/01gLIMIT-2000"))
                .willReturn(okJson(page(true, null, lead(CY, "Cy", "cy@example.org", "2026-05-03T09:00:00.000+0000")))));
        noWriteBack();

        RunReport report = runner.run("nightly", "test").report();

        assertThat(report.connector("sf-contacts").pulled()).isEqualTo(2);
        salesforce.verify(0, getRequestedFor(urlPathEqualTo(DATA + "/query/01gLIMIT-2000")));
        assertThat(report.notes().get("salesforce sf-contacts")).contains("stopped pulling after 2 records")
                .contains("12100/15000").contains("max-api-usage 80 %");
        assertThat(watermarks.get("sf-contacts")).contains("2026-05-02T10:00:00.000Z"); // up to the last record read

        // the next day the org refuses outright: REQUEST_LIMIT_EXCEEDED ends the pull, not the run
        salesforce.resetRequests();
        count(1, "api-usage=100/15000");
        salesforce.stubFor(query("^SELECT Id.*").willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                .withBody("[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")));

        RunReport next = runner.run("nightly", "test").report();

        assertThat(next.notes().get("salesforce sf-contacts")).contains("REQUEST_LIMIT_EXCEEDED");
        salesforce.verify(getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", matching(".*SystemModstamp >= 2026-05-02T10:00:00.000Z.*")));
        assertThat(watermarks.get("sf-contacts")).contains("2026-05-02T10:00:00.000Z");
    }

    @Test
    void largeFirstLoadRunsAsABulkQueryJobReadThroughEveryResultPage() {
        count(5, "api-usage=10/15000");
        String job = "750R0000000zlh9IAA";
        salesforce.stubFor(post(urlPathEqualTo(DATA + "/jobs/query"))
                .withRequestBody(matchingJsonPath("$.operation", equalTo("query")))
                .withRequestBody(matchingJsonPath("$.query", equalTo("SELECT Id, SystemModstamp, LastName, Email, FirstName FROM Contact")))
                .willReturn(okJson("{\"id\":\"" + job + "\",\"operation\":\"query\",\"object\":\"Contact\",\"state\":\"UploadComplete\"}")));
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/jobs/query/" + job)).inScenario("job").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"id\":\"" + job + "\",\"state\":\"InProgress\"}")).willSetStateTo("done"));
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/jobs/query/" + job)).inScenario("job").whenScenarioStateIs("done")
                .willReturn(okJson("{\"id\":\"" + job + "\",\"state\":\"JobComplete\",\"numberRecordsProcessed\":5}")));
        String header = "\"Id\",\"SystemModstamp\",\"FirstName\",\"LastName\",\"Email\"\n";
        salesforce.stubFor(results(job, null, "MTAwMDA", header
                + "\"003000000000011AAA\",\"2026-04-01T00:00:00.000Z\",\"Ann\",\"One\",\"ann@example.org\"\n"
                + "\"003000000000012AAA\",\"2026-04-05T00:00:00.000Z\",\"Ben\",\"Two\",\"ben@example.org\"\n"));
        salesforce.stubFor(results(job, "MTAwMDA", "MjAwMDA", header
                + "\"003000000000013AAA\",\"2026-04-03T00:00:00.000Z\",\"Cat\",\"Three\",\"cat@example.org\"\n"
                + "\"003000000000014AAA\",\"2026-04-02T00:00:00.000Z\",\"Dan\",\"Four\",\"\"\n"));
        salesforce.stubFor(results(job, "MjAwMDA", "null", header
                + "\"003000000000015AAA\",\"2026-04-04T00:00:00.000Z\",\"Eva\",\"Five\",\"eva@example.org\"\n"));
        noWriteBack();

        RunReport report = runner.run("nightly", "test").report();

        assertThat(store.sql("SELECT COUNT(*) FROM source_record WHERE system = 'salesforce'").query(Long.class).single()).isEqualTo(5);
        assertThat(report.connector("sf-contacts").pulled()).isEqualTo(5);
        salesforce.verify(3, getRequestedFor(urlPathEqualTo(DATA + "/jobs/query/" + job + "/results")).withQueryParam("maxRecords", equalTo("2")));
        salesforce.verify(0, getRequestedFor(urlPathEqualTo(QUERY)).withQueryParam("q", matching("^SELECT Id.*")));
        assertThat(watermarks.get("sf-contacts")).contains("2026-04-05T00:00:00.000Z"); // the highest, not the last
    }

    @Test
    void atTheApiLimitThePushWritesNothingAndTheNextRunSendsIt() {
        count(1, "api-usage=100/15000");
        salesforce.stubFor(query("^SELECT Id.*").willReturn(okJson(page(true, null,
                contact(ADA, "Ada", "ada@example.org", "2026-05-01T10:00:00.000+0000"))).withHeader("Sforce-Limit-Info", "api-usage=12500/15000")));
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/composite/sobjects/Contact")).withQueryParam("ids", equalTo(ADA))
                .willReturn(okJson("[{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"" + ADA + "\",\"Segments__c\":null}]")));
        salesforce.stubFor(patch(urlPathEqualTo(DATA + "/composite/sobjects"))
                .willReturn(okJson("[{\"id\":\"" + ADA + "\",\"success\":true,\"errors\":[]}]")));
        salesforce.stubFor(post(urlPathEqualTo(DATA + "/composite/sobjects"))
                .willReturn(okJson("[{\"id\":\"00v000000000001AAA\",\"success\":true,\"errors\":[]}]")));

        RunReport report = runner.run("nightly", "test").report();

        assertThat(report.connector("sf-contacts").pulled()).isEqualTo(1);
        assertThat(report.notes()).doesNotContainKey("salesforce sf-contacts"); // the pull was complete before the limit
        assertThat(report.notes().get("salesforce sf-segments/everyone")).contains("API_USAGE_AT_LIMIT 1");
        salesforce.verify(0, patchRequestedFor(urlPathEqualTo(DATA + "/composite/sobjects")));
        salesforce.verify(0, getRequestedFor(urlPathEqualTo(DATA + "/composite/sobjects/Contact")));
        assertThat(pushedRecords()).isEmpty();

        count(0, "api-usage=200/15000"); // a new day
        salesforce.stubFor(query("^SELECT Id.*").willReturn(okJson(page(true, null))));

        runner.run("nightly", "test");

        salesforce.verify(1, patchRequestedFor(urlPathEqualTo(DATA + "/composite/sobjects")));
        assertThat(pushedRecords()).containsExactly(ADA);
    }

    @Test
    void connectorTestChecksTheConnectorAndTheDestinationStepByStep() {
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/sobjects/")).willReturn(okJson("{\"sobjects\":[{\"name\":\"Contact\"}]}")));
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/sobjects/Contact/describe")).willReturn(okJson("""
                {"name": "Contact", "queryable": true, "fields": [{"name": "Id"}, {"name": "SystemModstamp"}, {"name": "FirstName"},
                  {"name": "LastName"}, {"name": "Email"}]}""")));

        ConnectionTest.Result source = connectionTest.test("sf-contacts").orElseThrow();
        ConnectionTest.Result destination = connectionTest.test("sf-segments").orElseThrow();

        assertThat(source.ok()).isTrue();
        assertThat(source.steps()).extracting(ConnectionTest.Step::name).containsExactly("dns", "tls", "auth", "permission", "schema");
        assertThat(destination.failed()).hasValueSatisfying(step -> {
            assertThat(step.name()).isEqualTo("schema");
            assertThat(step.detail()).contains("lacks the fields [Segments__c]");
        });
    }

    @Test
    void anErrorBodyFailsTheRunWithSalesforcesReasonAndCommitsNothing() {
        count(2, "api-usage=10/15000");
        salesforce.stubFor(query("^SELECT Id.*").willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("[{\"message\":\"No such column 'Emial' on entity 'Contact'.\",\"errorCode\":\"INVALID_FIELD\"}]")));
        noWriteBack();

        assertThatThrownBy(() -> runner.run("nightly", "test")).isInstanceOf(SyncFailedException.class)
                .hasMessageContaining("INVALID_FIELD").hasMessageContaining("No such column 'Emial'");
        assertThat(store.sql("SELECT COUNT(*) FROM source_record").query(Long.class).single()).isZero();
        assertThat(watermarks.get("sf-contacts")).isEmpty();
    }

    private static MappingBuilder results(String job, String locator, String nextLocator, String csv) {
        MappingBuilder m = get(urlPathEqualTo(DATA + "/jobs/query/" + job + "/results")).withQueryParam("maxRecords", equalTo("2"));
        m = locator == null ? m.withQueryParam("locator", com.github.tomakehurst.wiremock.client.WireMock.absent())
                : m.withQueryParam("locator", equalTo(locator));
        return m.willReturn(aResponse().withHeader("Content-Type", "text/csv").withHeader("Sforce-Locator", nextLocator)
                .withHeader("Sforce-NumberOfRecords", "2").withBody(csv));
    }

    private List<String> pushedRecords() {
        return store.sql("SELECT external_id FROM push_state WHERE destination_id = 'sf-segments' ORDER BY external_id")
                .query(String.class).list();
    }

    private static void tokenExchange() {
        // OAuth 2.0 client credentials; every sign-in hands out a new token
        salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token")).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(containing("grant_type=client_credentials")).withRequestBody(containing("client_secret=s3cret"))
                .willReturn(token("token-1")).willSetStateTo("renewed"));
        salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token")).inScenario("tokens").whenScenarioStateIs("renewed")
                .withRequestBody(containing("grant_type=client_credentials"))
                .willReturn(token("token-2")));
    }

    private static ResponseDefinitionBuilder token(String token) {
        return okJson("""
                {"access_token": "%s", "instance_url": "%s", "id": "%s/id/00D000000000001AAA/005000000000001AAA",
                 "token_type": "Bearer", "issued_at": "1767225600000", "signature": "c2lnbmF0dXJl"}"""
                .formatted(token, salesforce.baseUrl(), salesforce.baseUrl()));
    }

    private static void count(int n, String usage) {
        salesforce.stubFor(query("^SELECT COUNT\\(\\).*").atPriority(1)
                .willReturn(okJson("{\"totalSize\":" + n + ",\"done\":true,\"records\":[]}").withHeader("Sforce-Limit-Info", usage)));
    }

    private static MappingBuilder query(String soql) {
        return get(urlPathEqualTo(QUERY)).withQueryParam("q", matching(soql)).atPriority(5);
    }

    /** Members already where they should be: the push reads and finds nothing to change. */
    private static void noWriteBack() {
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/composite/sobjects/Contact")).willReturn(okJson("[]")));
        salesforce.stubFor(get(urlPathEqualTo(DATA + "/composite/sobjects/Lead")).willReturn(okJson("[]")));
        salesforce.stubFor(post(urlPathEqualTo(DATA + "/composite/sobjects")).willReturn(okJson("[]")));
    }

    private static String page(boolean done, String next, String... records) {
        return "{\"totalSize\":3,\"done\":" + done + (next == null ? "" : ",\"nextRecordsUrl\":\"" + next + "\"")
                + ",\"records\":[" + String.join(",", records) + "]}";
    }

    private static String contact(String id, String first, String email, String modstamp) {
        return record("Contact", id, first, email, modstamp);
    }

    private static String lead(String id, String first, String email, String modstamp) {
        return record("Lead", id, first, email, modstamp);
    }

    private static String record(String type, String id, String first, String email, String modstamp) {
        return """
                {"attributes": {"type": "%1$s", "url": "/services/data/v59.0/sobjects/%1$s/%2$s"},
                 "Id": "%2$s", "SystemModstamp": "%5$s", "FirstName": "%3$s", "LastName": "Example", "Email": "%4$s"}"""
                .formatted(type, id, first, email, modstamp);
    }

    static void writeConfig(Path config, String salesforceUrl) {
        write(config.resolve("users.yml"), """
                users:
                  - {name: admin, password-hash: "$2a$10$0IDsw8aI/0GQJVcLnnlU5ekURLs2lljnqoht7fVL3kscHyk4/Shoy", roles: [admin]}
                """);
        write(config.resolve("hub.yml"), """
                hub:
                  personal-data: [given_name, family_name, full_name, email, phone]
                  default-region: GB
                  scoring:
                    as-of: 2026-11-01
                    currency: GBP
                syncs:
                  - id: nightly
                    cron: "0 0 2 * * ?"
                """);
        write(config.resolve("purposes.yml"), """
                purposes:
                  - id: customer_account
                    basis: contract
                  - id: profiling
                    basis: legitimate_interest
                """);
        write(config.resolve("segments.yml"), """
                segments:
                  - id: everyone
                    purpose: profiling
                    rule: "true"
                """);
        write(config.resolve("connectors.yml"), """
                connectors:
                  - id: sf-contacts
                    type: salesforce
                    system: salesforce
                    purpose: customer_account
                    salesforce:
                      login-url: %s
                      auth: {flow: client_credentials, client-id: hub-test-app, client-secret: "${SF_TEST_CLIENT_SECRET}"}
                      object: Contact
                      fields: [LastName]
                      bulk-threshold: 4
                      bulk-page-size: 2
                      bulk-poll-interval: PT0.05S
                      max-api-usage: 0.8
                    mapping:
                      id: Id
                      updated-at: SystemModstamp
                      identity: {given_name: FirstName, family_name: LastName, email: Email}
                destinations:
                  - id: sf-segments
                    type: salesforce
                    purpose: profiling
                    system: salesforce
                    segments: [everyone]
                    salesforce:
                      connector: sf-contacts
                      field: Segments__c
                      campaigns: {everyone: %s}
                """.formatted(salesforceUrl, CAMPAIGN));
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
