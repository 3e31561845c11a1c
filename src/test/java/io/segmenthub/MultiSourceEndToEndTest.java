package io.segmenthub;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import io.segmenthub.connector.ConnectionTest;
import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.connector.salesforce.SalesforceConnections;
import io.segmenthub.pipeline.RunReport;
import io.segmenthub.pipeline.SyncRunner;
import io.segmenthub.profile.Attribute;
import io.segmenthub.profile.GoldenValues;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.Yaml;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
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
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every kind of source in one sync, as an IT team would connect them: Salesforce (a WireMock
 * answering as its REST API does), an ERP on PostgreSQL, a second ERP on MariaDB, and two HTTP
 * sources built from the shipped examples ({@code config/examples/fxiaoke.yml} for 纷享销客 and
 * {@code web-analytics.yml}). The same made-up people appear in several systems with the usual
 * variation; the test asserts the golden profiles, survivorship, segments and the write-backs to
 * Salesforce and 纷享销客 (only for people whose consent covers the destination's purpose), then a
 * second sync with one change in every source that writes back only the differences.
 * <p>
 * The people:
 * <ul>
 *   <li>Ada Lovelace (GB): Salesforce contact, PostgreSQL ERP (e-mail in another case, phone
 *       formatted differently), web visitor; opted in to e-mail in Salesforce and on the web;</li>
 *   <li>Robert "Bob" Stone (GB): "Bob" in Salesforce, opted out of e-mail there; "Robert" in the
 *       MariaDB ERP with an upper-case e-mail; opts in before the second sync;</li>
 *   <li>Cy Young (GB): Salesforce contact, opted in; in the MariaDB ERP with a national phone;
 *       opts out before the second sync;</li>
 *   <li>张伟 (CN): 纷享销客 contact, "Wei Zhang" in the PostgreSQL ERP, linked by the phone only;</li>
 *   <li>李娜 (CN): 纷享销客 contact, "Na Li" in the MariaDB ERP, which records her objection to
 *       profiling (withdrawn before the second sync);</li>
 *   <li>王芳 (纷享销客 only), 刘洋 (new in 纷享销客 at the second sync), and a web visitor who
 *       refused analytics (never stored).</li>
 * </ul>
 * The PostgreSQL ERP lives in its own schema of the database named by
 * {@code SEGMENT_HUB_TEST_POSTGRES_URL} (default: the CI database on localhost); the MariaDB ERP
 * in the database named by {@code SEGMENT_HUB_TEST_MARIADB_URL} (default: {@code test} on
 * localhost), left out of the sync, with the assertions that need it, when MariaDB is unreachable.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ExtendWith(OutputCaptureExtension.class)
class MultiSourceEndToEndTest {

    static final String SF_DATA = "/services/data/v59.0";
    static final String SF_QUERY = SF_DATA + "/query/";
    static final String SF_NEXT_PAGE = SF_DATA + "/query/01gE2E0000000001-2000";
    static final String SF_COLLECTIONS = SF_DATA + "/composite/sobjects";
    static final String CAMPAIGN = "701000000000009AAA";
    static final String SF_ADA = "003000000000001AAA";
    static final String SF_BOB = "003000000000002AAA";
    static final String SF_CY = "003000000000003AAA";
    static final String FX_QUERY = "/cgi/crm/v2/data/query";
    static final String FX_UPDATE = "/cgi/crm/v2/data/update";
    static final String FX_TOKEN = "/cgi/corpAccessToken/get/V2";

    static final String PG_SCHEMA = "erp_e2e";
    static final String PG_URL = System.getenv().getOrDefault("SEGMENT_HUB_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/segmenthub_test?user=postgres");
    static final String MARIADB_URL = System.getenv().getOrDefault("SEGMENT_HUB_TEST_MARIADB_URL",
            "jdbc:mariadb://127.0.0.1:3306/test?user=root");
    static final boolean POSTGRES = reachable(PG_URL);
    static final boolean MARIADB = reachable(MARIADB_URL);

    /** Every personal value of the fixture: none may reach the logs or the store in plaintext. */
    static final List<String> PLAINTEXT = List.of("ada.lovelace@example.org", "bob.stone@example.com", "cy.young@example.net",
            "li.na@example.cn", "quiet.visitor@example.org", // e-mails
            "79460001", "00900123", "00900456", "00138000", "12345678", "00001111", "00002222", // the last 8 digits of each phone
            "Ada Lovelace", "Bob Stone", "Robert Stone", "Cy Young", "Wei Zhang", "Na Li", "Analytical Way", "Engine Row",
            "张伟", "李娜", "王芳", "刘洋");

    static final WireMockServer salesforce = new WireMockServer(options().dynamicPort());
    static final WireMockServer fxiaoke = new WireMockServer(options().dynamicPort());
    static final WireMockServer analytics = new WireMockServer(options().dynamicPort());

    static {
        // before the Spring context: the config names the ports, and Salesforce signs in at start-up
        salesforce.start();
        fxiaoke.start();
        analytics.start();
        salesforceToken();
    }

    @TempDir
    static Path root;
    static HubFixture fixture;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) throws IOException {
        fixture = new HubFixture(root);
        writeConfig(fixture.config);
        StoreUnderTest.register(registry, fixture);
        registry.add("E2E_SF_CLIENT_SECRET", () -> "sf-secret");
        Map.of("FXIAOKE_BASE_URL", fxiaoke.baseUrl(), "FXIAOKE_APP_ID", "fx-app", "FXIAOKE_APP_SECRET", "fx-secret",
                "FXIAOKE_PERMANENT_CODE", "fx-perm", "FXIAOKE_OPEN_USER_ID", "fx-user", "FXIAOKE_PAGE_SIZE", "2",
                "FXIAOKE_BACKOFF_MS", "5", "FXIAOKE_MAX_BACKOFF_MS", "20").forEach((k, v) -> registry.add(k, () -> v));
        Map.of("ANALYTICS_BASE_URL", analytics.baseUrl(), "ANALYTICS_CLIENT_ID", "wa-client", "ANALYTICS_CLIENT_SECRET", "wa-secret",
                "ANALYTICS_PAGE_SIZE", "2", "ANALYTICS_BACKOFF_MS", "5", "ANALYTICS_MAX_BACKOFF_MS", "20")
                .forEach((k, v) -> registry.add(k, () -> v));
    }

    @AfterAll
    static void stop() {
        salesforce.stop();
        fxiaoke.stop();
        analytics.stop();
        if (POSTGRES) {
            sql(PG_URL, "DROP SCHEMA IF EXISTS " + PG_SCHEMA + " CASCADE");
        }
        if (MARIADB) {
            sql(MARIADB_URL, "DROP TABLE IF EXISTS e2e_shop_customers");
        }
    }

    @Autowired SyncRunner runner;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;
    @Autowired SalesforceConnections salesforceConnections;
    @Autowired JdbcConnections connections;
    @Autowired GoldenValues values;
    @Autowired DataSource hubDataSource;
    @Autowired ConnectionTest connectionTest;

    @BeforeEach
    void cleanWorld() {
        assumeTrue(POSTGRES, "PostgreSQL is not reachable at " + PG_URL.replaceAll("\\?.*", "")
                + " (set SEGMENT_HUB_TEST_POSTGRES_URL): the end-to-end sync needs its PostgreSQL ERP");
        salesforceConnections.close();
        flyway.clean();
        flyway.migrate();
        for (WireMockServer server : List.of(salesforce, fxiaoke, analytics)) {
            server.resetAll();
        }
        salesforceToken();
        createPostgresErp();
        if (MARIADB) {
            createMariaDbErp();
        }
    }

    @Test
    void everySourceMeetsInGoldenProfilesAndOnlyConsentedChangesAreWrittenBack(CapturedOutput output) {
        firstDayInEverySource();

        RunReport first = runner.run("nightly", "test").report();

        // --- golden profiles: who joined whom
        assertThat(golden("salesforce", SF_ADA)).isEqualTo(golden("erp", "K1")).isEqualTo(golden("web", "U1"));
        assertThat(golden("fxiaoke", "c01")).as("张伟 and Wei Zhang meet through the phone, once both are E.164")
                .isEqualTo(golden("erp", "K2"));
        assertThat(Set.of(golden("salesforce", SF_ADA), golden("salesforce", SF_BOB), golden("salesforce", SF_CY),
                golden("fxiaoke", "c01"), golden("fxiaoke", "c02"), golden("fxiaoke", "c03"))).hasSize(6);
        assertThat(count("SELECT COUNT(*) FROM golden_profile WHERE merged_into IS NULL")).isEqualTo(6);
        assertThat(count("SELECT COUNT(*) FROM source_record WHERE system = 'web'")).as("U2 refused analytics: not stored").isEqualTo(1);
        assertThat(first.connector("web-analytics-api").droppedByConsent()).containsEntry("analytics", 1L);
        if (MARIADB) {
            assertThat(golden("erp-eu", "M1")).as("Bob in Salesforce, Robert in the shop ERP, same e-mail in upper case")
                    .isEqualTo(golden("salesforce", SF_BOB));
            assertThat(golden("erp-eu", "M2")).isEqualTo(golden("salesforce", SF_CY));
            assertThat(golden("erp-eu", "M3")).isEqualTo(golden("fxiaoke", "c02"));
            assertThat(recordsOf(golden("salesforce", SF_BOB))).containsExactlyInAnyOrder("salesforce/" + SF_BOB, "erp-eu/M1");
        }
        assertThat(recordsOf(golden("salesforce", SF_ADA))).containsExactlyInAnyOrder("salesforce/" + SF_ADA, "erp/K1", "web/U1");
        first.connectors().forEach((id, c) -> assertThat(c.pulled()).as(id).isEqualTo(c.accepted() + c.quarantinedTotal() + c.droppedTotal()));
        assertThat(first.connector("sf-contacts").pulled()).isEqualTo(3);
        assertThat(first.connector("fxiaoke-contacts").pulled()).isEqualTo(3);

        // --- survivorship: the ERPs outrank Salesforce, which outranks the CRM and the web
        String ada = golden("salesforce", SF_ADA);
        assertThat(values.of(ada, Set.of(Attribute.GIVEN_NAME, Attribute.EMAIL, Attribute.STREET)))
                .containsEntry(Attribute.EMAIL, "ada.lovelace@example.org").containsEntry(Attribute.STREET, "12 Analytical Way");
        assertThat(winner(ada, "email")).isEqualTo("erp/K1");
        assertThat(winner(ada, "street")).isEqualTo("erp/K1");
        assertThat(winner(golden("fxiaoke", "c01"), "given_name")).isEqualTo("erp/K2");
        if (MARIADB) {
            String bob = golden("salesforce", SF_BOB);
            assertThat(values.of(bob, Set.of(Attribute.GIVEN_NAME))).containsEntry(Attribute.GIVEN_NAME, "Robert");
            assertThat(winner(bob, "given_name")).isEqualTo("erp-eu/M1");
            assertThat(winner(bob, "phone")).isEqualTo("erp-eu/M1");
        }

        // --- segments, on the surviving country
        assertThat(members("uk-customers")).containsExactlyInAnyOrder(ada, golden("salesforce", SF_BOB), golden("salesforce", SF_CY));
        List<String> chinese = new ArrayList<>(List.of(golden("fxiaoke", "c01")));
        if (MARIADB) {
            chinese.add(golden("fxiaoke", "c02")); // her country comes from the shop ERP
        }
        assertThat(members("cn-customers")).containsExactlyInAnyOrderElementsOf(chinese);

        // --- write-backs: Salesforce gets Ada and Cy (Bob opted out of e-mail), with the segment field and the campaign
        salesforce.verify(1, patchRequestedFor(urlPathEqualTo(SF_COLLECTIONS)));
        salesforce.verify(patchRequestedFor(urlPathEqualTo(SF_COLLECTIONS)).withRequestBody(equalToJson("""
                {"allOrNone": false, "records": [
                  {"attributes": {"type": "Contact"}, "id": "%s", "Segments__c": "uk-customers"},
                  {"attributes": {"type": "Contact"}, "id": "%s", "Segments__c": "uk-customers"}]}""".formatted(SF_ADA, SF_CY))));
        salesforce.verify(1, postRequestedFor(urlPathEqualTo(SF_COLLECTIONS)));
        salesforce.verify(postRequestedFor(urlPathEqualTo(SF_COLLECTIONS)).withRequestBody(equalToJson("""
                {"allOrNone": false, "records": [
                  {"attributes": {"type": "CampaignMember"}, "CampaignId": "%1$s", "ContactId": "%2$s"},
                  {"attributes": {"type": "CampaignMember"}, "CampaignId": "%1$s", "ContactId": "%3$s"}]}""".formatted(CAMPAIGN, SF_ADA, SF_CY))));
        assertThat(first.destination("sf-segments").withheldWithoutConsent()).isEqualTo(1);
        // 纷享销客 gets its tag on 张伟 only: 李娜 objected to profiling in the shop ERP
        fxiaoke.verify(1, postRequestedFor(urlEqualTo(FX_UPDATE)));
        fxiaoke.verify(postRequestedFor(urlEqualTo(FX_UPDATE)).withRequestBody(equalToJson("""
                {"corpAccessToken": "FX-T1", "corpId": "FX-CORP", "currentOpenUserId": "fx-user", "triggerWorkFlow": false,
                 "triggerApprovalFlow": false,
                 "data": {"object_data": {"_id": "c01", "dataObjectApiName": "ContactObj", "segment_tag__c": "cn-customers"}}}""")));
        if (MARIADB) {
            assertThat(first.destination("fxiaoke-segment-tag").withheldWithoutConsent()).isEqualTo(1);
        }
        assertThat(pushed("sf-segments")).containsExactlyInAnyOrder(SF_ADA, SF_CY);
        assertThat(pushed("fxiaoke-segment-tag")).containsExactly("c01");

        // --- the next day: one change in every source
        String streetBefore = store.sql("SELECT source_record_id FROM golden_attribute WHERE golden_id = :g AND attribute = 'street'")
                .param("g", ada).query(String.class).single();
        secondDayInEverySource();

        RunReport second = runner.run("nightly", "test").report();

        assertThat(second.connector("sf-contacts").pulled()).isEqualTo(2);
        assertThat(second.connector("erp-customers").pulled()).isEqualTo(1);
        assertThat(second.connector("fxiaoke-contacts").pulled()).isEqualTo(2);
        assertThat(second.connector("web-analytics-api").pulled()).isEqualTo(2);
        salesforce.verify(getRequestedFor(urlPathEqualTo(SF_QUERY))
                .withQueryParam("q", matching("^SELECT Id.*WHERE SystemModstamp >= 2026-10-03T09:00:00.000Z ORDER BY.*")));
        analytics.verify(getRequestedFor(urlPathEqualTo("/v1/events")).withQueryParam("since", equalTo("2026-10-02T09:55:00Z")));
        fxiaoke.verify(postRequestedFor(urlEqualTo(FX_QUERY))
                .withRequestBody(matchingJsonPath("$.data.search_query_info.filters[0].field_values[0]", equalTo("1790000000000"))));
        // 刘洋 is new; nobody else moved
        assertThat(count("SELECT COUNT(*) FROM golden_profile WHERE merged_into IS NULL")).isEqualTo(7);
        assertThat(golden("web", "U1")).isEqualTo(ada);
        assertThat(count("SELECT COUNT(*) FROM engagement_event WHERE record_id = 'U1'")).as("e1, e3 once, e4").isEqualTo(3);
        assertThat(values.of(ada, Set.of(Attribute.STREET))).containsEntry(Attribute.STREET, "1 Engine Row");
        assertThat(store.sql("SELECT source_record_id FROM golden_attribute WHERE golden_id = :g AND attribute = 'street'")
                .param("g", ada).query(String.class).single()).isEqualTo(streetBefore);

        // Bob opted in and Cy opted out: only they are written to Salesforce; Ada is not sent again
        salesforce.verify(2, patchRequestedFor(urlPathEqualTo(SF_COLLECTIONS)));
        salesforce.verify(patchRequestedFor(urlPathEqualTo(SF_COLLECTIONS)).withRequestBody(equalToJson("""
                {"allOrNone": false, "records": [
                  {"attributes": {"type": "Contact"}, "id": "%s", "Segments__c": "uk-customers"},
                  {"attributes": {"type": "Contact"}, "id": "%s", "Segments__c": null}]}""".formatted(SF_BOB, SF_CY))));
        salesforce.verify(2, postRequestedFor(urlPathEqualTo(SF_COLLECTIONS)));
        salesforce.verify(postRequestedFor(urlPathEqualTo(SF_COLLECTIONS)).withRequestBody(equalToJson("""
                {"allOrNone": false, "records": [{"attributes": {"type": "CampaignMember"}, "CampaignId": "%s", "ContactId": "%s"}]}"""
                .formatted(CAMPAIGN, SF_BOB))));
        salesforce.verify(1, deleteRequestedFor(urlPathEqualTo(SF_COLLECTIONS)));
        salesforce.verify(deleteRequestedFor(urlPathEqualTo(SF_COLLECTIONS)).withQueryParam("ids", equalTo("00v000000000003AAA"))
                .withQueryParam("allOrNone", equalTo("false")));
        assertThat(pushed("sf-segments")).containsExactlyInAnyOrder(SF_ADA, SF_BOB);
        assertThat(store.sql("SELECT detail FROM audit_log WHERE action = 'PUSH_REMOVE' AND subject = :g")
                .param("g", golden("salesforce", SF_CY)).query(String.class).list())
                .containsExactly("destination=sf-segments segment=uk-customers reason=no consent for marketing_email");
        if (MARIADB) {
            // 李娜 withdrew her objection: only her tag is written
            fxiaoke.verify(2, postRequestedFor(urlEqualTo(FX_UPDATE)));
            fxiaoke.verify(postRequestedFor(urlEqualTo(FX_UPDATE))
                    .withRequestBody(matchingJsonPath("$.data.object_data._id", equalTo("c02")))
                    .withRequestBody(matchingJsonPath("$.data.object_data.segment_tag__c", equalTo("cn-customers"))));
            assertThat(pushed("fxiaoke-segment-tag")).containsExactlyInAnyOrder("c01", "c02");
        } else {
            fxiaoke.verify(1, postRequestedFor(urlEqualTo(FX_UPDATE)));
        }

        // --- nothing personal in the logs or, in plaintext, in the store
        PlaintextFinder finder = new PlaintextFinder(PLAINTEXT);
        assertThat(finder.find(output.getAll())).isEmpty();
        assertThat(finder.scan(hubDataSource)).isEmpty();
        assertThat(StoreUnderTest.scan(hubDataSource, List.of(SF_ADA))).as("the scan reads the store's tables").isNotEmpty();
    }

    /** Says, as a skipped test, when the sync above ran without its MariaDB ERP. */
    @Test
    void theMariaDbErpTakesPart() {
        assumeTrue(MARIADB, "MariaDB is not reachable at " + MARIADB_URL.replaceAll("\\?.*", "")
                + " (set SEGMENT_HUB_TEST_MARIADB_URL): the MariaDB ERP was left out of the end-to-end sync");

        ConnectionTest.Result result = connectionTest.test("shop-erp-customers").orElseThrow();

        assertThat(result.ok()).as(result.toString()).isTrue();
    }

    // --- the sources, day by day

    private void firstDayInEverySource() {
        salesforce.stubFor(sfQuery("^SELECT COUNT\\(\\).*").atPriority(1).willReturn(okJson("{\"totalSize\":3,\"done\":true,\"records\":[]}")
                .withHeader("Sforce-Limit-Info", "api-usage=10/15000")));
        salesforce.stubFor(sfQuery("^SELECT Id.*").willReturn(okJson(sfPage(SF_NEXT_PAGE,
                sfContact(SF_ADA, "Ada", "Lovelace", "Ada.Lovelace@Example.org", "+44 20 7946 0001", true, "2026-10-01T09:00:00.000+0000"),
                sfContact(SF_BOB, "Bob", "Stone", "bob.stone@example.com", null, false, "2026-10-02T09:00:00.000+0000")))));
        salesforce.stubFor(get(urlPathEqualTo(SF_NEXT_PAGE)).willReturn(okJson(sfPage(null,
                sfContact(SF_CY, "Cy", "Young", "cy.young@example.net", null, true, "2026-10-03T09:00:00.000+0000")))));
        salesforce.stubFor(sfCurrentValues(SF_ADA, SF_CY));
        salesforce.stubFor(patch(urlPathEqualTo(SF_COLLECTIONS)).willReturn(okJson(sfSaved(SF_ADA, SF_CY))));
        salesforce.stubFor(post(urlPathEqualTo(SF_COLLECTIONS)).willReturn(okJson(sfSaved("00v000000000001AAA", "00v000000000003AAA"))));

        fxiaokeToken();
        fxiaoke.stubFor(fxPage(0, 3, fxContact("c01", "张伟", "+86 138 0013 8000", null, 1_789_000_000_000L),
                fxContact("c02", "李娜", "139 1234 5678", "li.na@example.cn", 1_789_100_000_000L)));
        fxiaoke.stubFor(fxPage(2, 3, fxContact("c03", "王芳", "13700001111", null, 1_790_000_300_000L)));
        fxiaoke.stubFor(post(FX_UPDATE).willReturn(okJson("{\"errorCode\":0,\"errorMessage\":\"OK\"}")));

        analyticsToken();
        analytics.stubFor(get(urlPathEqualTo("/v1/events")).willReturn(okJson("{\"events\":["
                + event("e1", "U1", "ADA.LOVELACE@EXAMPLE.ORG", "2026-10-02T10:00:00Z", true, true) + ","
                + event("e2", "U2", "quiet.visitor@example.org", "2026-10-02T10:01:00Z", false, false)
                + "],\"next\":\"/v1/events/page?cursor=p2\"}")));
        analytics.stubFor(get(urlEqualTo("/v1/events/page?cursor=p2")).willReturn(okJson("{\"events\":["
                + event("e3", "U1", null, "2026-10-02T10:05:00Z", true, true) + "],\"next\":null}")));
    }

    private void secondDayInEverySource() {
        salesforce.resetMappings();
        salesforceToken();
        salesforce.stubFor(sfQuery("^SELECT COUNT\\(\\).*").atPriority(1).willReturn(okJson("{\"totalSize\":2,\"done\":true,\"records\":[]}")));
        salesforce.stubFor(sfQuery("^SELECT Id.*").willReturn(okJson(sfPage(null,
                sfContact(SF_BOB, "Bob", "Stone", "bob.stone@example.com", null, true, "2026-10-04T09:00:00.000+0000"),
                sfContact(SF_CY, "Cy", "Young", "cy.young@example.net", null, false, "2026-10-04T09:30:00.000+0000")))));
        salesforce.stubFor(get(urlPathEqualTo(SF_COLLECTIONS + "/Contact")).withQueryParam("ids", equalTo(SF_BOB + "," + SF_CY))
                .willReturn(okJson("[{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"" + SF_BOB + "\",\"Segments__c\":null},"
                        + "{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"" + SF_CY + "\",\"Segments__c\":\"uk-customers\"}]")));
        salesforce.stubFor(patch(urlPathEqualTo(SF_COLLECTIONS)).willReturn(okJson(sfSaved(SF_BOB, SF_CY))));
        salesforce.stubFor(post(urlPathEqualTo(SF_COLLECTIONS)).willReturn(okJson(sfSaved("00v000000000002AAA"))));
        // Cy's campaign membership, found and deleted
        salesforce.stubFor(sfQuery("^SELECT Id, ContactId, LeadId FROM CampaignMember WHERE CampaignId = '" + CAMPAIGN + "'.*").atPriority(1)
                .willReturn(okJson("{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"CampaignMember\"},"
                        + "\"Id\":\"00v000000000003AAA\",\"ContactId\":\"" + SF_CY + "\",\"LeadId\":null}]}")));
        salesforce.stubFor(delete(urlPathEqualTo(SF_COLLECTIONS)).willReturn(okJson(sfSaved("00v000000000003AAA"))));

        fxiaoke.resetMappings();
        fxiaokeToken();
        // the look-back window brings 王芳 again, unchanged
        fxiaoke.stubFor(fxPage(0, 2, fxContact("c03", "王芳", "13700001111", null, 1_790_000_300_000L),
                fxContact("c04", "刘洋", "13600002222", null, 1_790_500_000_000L)));
        fxiaoke.stubFor(post(FX_UPDATE).willReturn(okJson("{\"errorCode\":0,\"errorMessage\":\"OK\"}")));

        analytics.resetMappings();
        analyticsToken();
        analytics.stubFor(get(urlPathEqualTo("/v1/events")).willReturn(okJson("{\"events\":["
                + event("e3", "U1", null, "2026-10-02T10:05:00Z", true, true) + "," // again, inside the look-back window
                + event("e4", "U1", null, "2026-10-04T08:00:00Z", true, true) + "],\"next\":null}")));

        JdbcClient.create(connections.get(PG_URL, null, null))
                .sql("UPDATE " + PG_SCHEMA + ".customers SET street = '1 Engine Row', updated_at = TIMESTAMP '2026-10-04 07:00:00' "
                        + "WHERE customer_no = 'K1'").update();
        if (MARIADB) {
            JdbcClient.create(connections.get(MARIADB_URL, null, null))
                    .sql("UPDATE e2e_shop_customers SET allow_profiling = 'true', updated_at = '2026-10-04 07:30:00' WHERE customer_no = 'M3'")
                    .update();
        }
    }

    private void createPostgresErp() {
        JdbcClient erp = JdbcClient.create(connections.get(PG_URL, null, null));
        erp.sql("DROP SCHEMA IF EXISTS " + PG_SCHEMA + " CASCADE").update();
        erp.sql("CREATE SCHEMA " + PG_SCHEMA).update();
        erp.sql("CREATE TABLE " + PG_SCHEMA + ".customers (customer_no VARCHAR(20) PRIMARY KEY, first_name VARCHAR(100), "
                + "last_name VARCHAR(100), email VARCHAR(200), phone VARCHAR(40), street VARCHAR(200), country_code CHAR(3), "
                + "updated_at TIMESTAMP NOT NULL)").update();
        erp.sql("INSERT INTO " + PG_SCHEMA + ".customers VALUES "
                + "('K1', 'Ada', 'Lovelace', 'ada.lovelace@example.org', '+44 20-7946-0001', '12 Analytical Way', 'GBR', TIMESTAMP '2026-09-01 09:00:00'), "
                + "('K2', 'Wei', 'Zhang', NULL, '13800138000', NULL, 'CHN', TIMESTAMP '2026-09-02 09:00:00')").update();
    }

    private void createMariaDbErp() {
        JdbcClient erp = JdbcClient.create(connections.get(MARIADB_URL, null, null));
        erp.sql("DROP TABLE IF EXISTS e2e_shop_customers").update();
        erp.sql("CREATE TABLE e2e_shop_customers (customer_no VARCHAR(20) PRIMARY KEY, first_name VARCHAR(100) CHARACTER SET utf8mb4, "
                + "last_name VARCHAR(100) CHARACTER SET utf8mb4, email VARCHAR(200), phone VARCHAR(40), country VARCHAR(2), "
                + "allow_profiling VARCHAR(5), updated_at DATETIME(3) NOT NULL)").update();
        erp.sql("INSERT INTO e2e_shop_customers VALUES "
                + "('M1', 'Robert', 'Stone', 'BOB.STONE@EXAMPLE.COM', '07700 900123', 'GB', NULL, '2026-09-05 10:00:00'), "
                + "('M2', 'Cy', 'Young', 'cy.young@example.net', '07700 900456', 'GB', NULL, '2026-09-06 10:00:00'), "
                + "('M3', 'Na', 'Li', 'LI.NA@EXAMPLE.CN', NULL, 'CN', 'false', '2026-09-07 10:00:00')").update();
    }

    // --- Salesforce, as its REST API answers

    private static void salesforceToken() {
        salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token")).withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("client_secret=sf-secret"))
                .willReturn(okJson("""
                        {"access_token": "sf-token", "instance_url": "%1$s", "id": "%1$s/id/00D000000000001AAA/005000000000001AAA",
                         "token_type": "Bearer", "issued_at": "1767225600000", "signature": "c2lnbmF0dXJl"}""".formatted(salesforce.baseUrl()))));
    }

    private static MappingBuilder sfQuery(String soql) {
        return get(urlPathEqualTo(SF_QUERY)).withQueryParam("q", matching(soql)).atPriority(5);
    }

    /** The members' Segments__c as it is before the push: empty. */
    private static MappingBuilder sfCurrentValues(String... ids) {
        List<String> records = new ArrayList<>();
        for (String id : ids) {
            records.add("{\"attributes\":{\"type\":\"Contact\"},\"Id\":\"" + id + "\",\"Segments__c\":null}");
        }
        return get(urlPathEqualTo(SF_COLLECTIONS + "/Contact")).withQueryParam("ids", equalTo(String.join(",", ids)))
                .willReturn(okJson("[" + String.join(",", records) + "]"));
    }

    private static String sfSaved(String... ids) {
        List<String> results = new ArrayList<>();
        for (String id : ids) {
            results.add("{\"id\":\"" + id + "\",\"success\":true,\"errors\":[]}");
        }
        return "[" + String.join(",", results) + "]";
    }

    private static String sfPage(String next, String... records) {
        return "{\"totalSize\":" + records.length + ",\"done\":" + (next == null) + (next == null ? "" : ",\"nextRecordsUrl\":\"" + next + "\"")
                + ",\"records\":[" + String.join(",", records) + "]}";
    }

    private static String sfContact(String id, String first, String last, String email, String phone, boolean optIn, String modstamp) {
        return """
                {"attributes": {"type": "Contact", "url": "/services/data/v59.0/sobjects/Contact/%1$s"}, "Id": "%1$s",
                 "SystemModstamp": "%7$s", "FirstName": "%2$s", "LastName": "%3$s", "Email": "%4$s", "Phone": %5$s,
                 "MailingCountry": "United Kingdom", "Email_Opt_In__c": %6$s}"""
                .formatted(id, first, last, email, phone == null ? "null" : "\"" + phone + "\"", optIn, modstamp);
    }

    // --- 纷享销客 and the web analytics API, as config/examples/*.yml expect them

    private static void fxiaokeToken() {
        fxiaoke.stubFor(post(FX_TOKEN).withRequestBody(equalToJson("{\"appId\":\"fx-app\",\"appSecret\":\"fx-secret\",\"permanentCode\":\"fx-perm\"}"))
                .willReturn(okJson("{\"errorCode\":0,\"corpAccessToken\":\"FX-T1\",\"corpId\":\"FX-CORP\",\"expiresIn\":7200}")));
    }

    private static MappingBuilder fxPage(int offset, int total, String... contacts) {
        return post(FX_QUERY).withRequestBody(matchingJsonPath("$.corpAccessToken", equalTo("FX-T1")))
                .withRequestBody(matchingJsonPath("$.data.search_query_info.offset", equalTo(String.valueOf(offset))))
                .willReturn(okJson("{\"errorCode\":0,\"errorMessage\":\"OK\",\"data\":{\"total\":" + total + ",\"dataList\":["
                        + String.join(",", contacts) + "]}}"));
    }

    private static String fxContact(String id, String name, String mobile, String email, long modified) {
        return "{\"_id\":\"" + id + "\",\"name\":\"" + name + "\",\"mobile\":\"" + mobile + "\",\"email\":"
                + (email == null ? "null" : "\"" + email + "\"") + ",\"last_modified_time\":" + modified + "}";
    }

    private static void analyticsToken() {
        analytics.stubFor(post("/oauth/token").withRequestBody(containing("client_secret=wa-secret"))
                .willReturn(okJson("{\"access_token\":\"WA-T1\",\"token_type\":\"bearer\",\"expires_in\":3600}")));
    }

    private static String event(String id, String user, String email, String ts, boolean analytics, boolean marketing) {
        return "{\"event_id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"email\":" + (email == null ? "null" : "\"" + email + "\"")
                + ",\"type\":\"page_view\",\"ts\":\"" + ts + "\",\"consent\":{\"analytics\":" + analytics + ",\"marketing_email\":"
                + marketing + "}}";
    }

    // --- the config: the shipped HTTP examples as they are, beside our own Salesforce and ERP entries

    @SuppressWarnings("unchecked")
    static void writeConfig(Path config) throws IOException {
        HubFixture.write(config.resolve("users.yml"), """
                users:
                  - {name: admin, password-hash: "$2a$10$0IDsw8aI/0GQJVcLnnlU5ekURLs2lljnqoht7fVL3kscHyk4/Shoy", roles: [admin]}
                """);
        HubFixture.write(config.resolve("hub.yml"), """
                hub:
                  personal-data: [given_name, family_name, full_name, email, phone, street, postcode, birth_date]
                  default-region: CN
                  survivorship:
                    source-priority: [erp, erp-eu, salesforce, fxiaoke, web]
                  scoring:
                    as-of: 2026-11-01
                    currency: CNY
                syncs:
                  - id: nightly
                    cron: "0 0 2 * * ?"
                """);
        HubFixture.write(config.resolve("purposes.yml"), """
                purposes:
                  - id: customer_account
                    basis: contract
                  - id: profiling
                    basis: legitimate_interest
                  - id: analytics
                    basis: consent
                  - id: marketing_email
                    basis: consent
                """);
        HubFixture.write(config.resolve("segments.yml"), """
                segments:
                  - id: uk-customers
                    purpose: marketing_email
                    rule: "has(attributes.country) && attributes.country == 'GB'"
                  - id: cn-customers
                    purpose: profiling
                    rule: "has(attributes.country) && attributes.country == 'CN'"
                """);
        Yaml yaml = new Yaml();
        Map<String, Object> ours = yaml.load("""
                connectors:
                  - id: sf-contacts
                    type: salesforce
                    system: salesforce
                    purpose: customer_account
                    region: GB
                    salesforce:
                      login-url: %s
                      auth: {flow: client_credentials, client-id: hub-e2e-app, client-secret: "${E2E_SF_CLIENT_SECRET}"}
                      object: Contact
                    mapping:
                      id: Id
                      updated-at: SystemModstamp
                      identity: {given_name: FirstName, family_name: LastName, email: Email, phone: Phone, country: MailingCountry}
                      consent: {marketing_email: Email_Opt_In__c}
                  - id: erp-customers
                    type: jdbc
                    system: erp
                    purpose: customer_account
                    region: CN
                    jdbc:
                      url: "%s"
                      query: SELECT * FROM %s.customers WHERE updated_at > :watermark ORDER BY updated_at
                      watermark-column: updated_at
                      fetch-size: 100
                    mapping:
                      id: customer_no
                      updated-at: updated_at
                      identity: {given_name: first_name, family_name: last_name, email: email, phone: phone, street: street, country: country_code}
                destinations:
                  - id: sf-segments
                    type: salesforce
                    purpose: marketing_email
                    system: salesforce
                    segments: [uk-customers]
                    salesforce:
                      connector: sf-contacts
                      field: Segments__c
                      campaigns: {uk-customers: %s}
                """.formatted(salesforce.baseUrl(), PG_URL, PG_SCHEMA, CAMPAIGN));
        List<Object> connectors = (List<Object>) ours.get("connectors");
        List<Object> destinations = (List<Object>) ours.get("destinations");
        if (MARIADB) {
            connectors.add(yaml.load("""
                    id: shop-erp-customers
                    type: jdbc
                    system: erp-eu
                    purpose: customer_account
                    region: GB
                    jdbc:
                      url: "%s"
                      query: SELECT * FROM e2e_shop_customers WHERE updated_at > :watermark ORDER BY updated_at
                      watermark-column: updated_at
                    mapping:
                      id: customer_no
                      updated-at: updated_at
                      identity: {given_name: first_name, family_name: last_name, email: email, phone: phone, country: country}
                      consent: {profiling: allow_profiling}
                    """.formatted(MARIADB_URL)));
        }
        for (String example : List.of("fxiaoke", "web-analytics")) {
            try (Reader in = Files.newBufferedReader(Path.of("config/examples", example + ".yml"), StandardCharsets.UTF_8)) {
                Map<String, Object> shipped = yaml.load(in);
                connectors.addAll((List<Object>) shipped.getOrDefault("connectors", List.of()));
                for (Object d : (List<Object>) shipped.getOrDefault("destinations", List.of())) {
                    Map<String, Object> destination = new LinkedHashMap<>((Map<String, Object>) d);
                    destination.put("segments", List.of("cn-customers")); // our segments, the example's request as shipped
                    destinations.add(destination);
                }
            }
        }
        HubFixture.write(config.resolve("connectors.yml"), yaml.dump(ours));
    }

    // --- reading the store

    private String golden(String system, String recordId) {
        return store.sql("SELECT g.golden_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id WHERE r.system = :s AND r.record_id = :r")
                .param("s", system).param("r", recordId).query(String.class).single();
    }

    private List<String> recordsOf(String goldenId) {
        return store.sql("SELECT r.system || '/' || r.record_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id WHERE g.golden_id = :g").param("g", goldenId)
                .query(String.class).list();
    }

    /** The source record ("system/record id") whose value the golden profile shows for the attribute. */
    private String winner(String goldenId, String attribute) {
        return store.sql("""
                        SELECT r.system || '/' || r.record_id FROM golden_attribute a JOIN source_record r ON r.id = a.source_record_id
                        WHERE a.golden_id = :g AND a.attribute = :a""")
                .param("g", goldenId).param("a", attribute).query(String.class).single();
    }

    private List<String> members(String segment) {
        return store.sql("SELECT golden_id FROM segment_membership WHERE segment_id = :s").param("s", segment).query(String.class).list();
    }

    private List<String> pushed(String destination) {
        return store.sql("SELECT external_id FROM push_state WHERE destination_id = :d").param("d", destination).query(String.class).list();
    }

    private long count(String sql) {
        return store.sql(sql).query(Long.class).single();
    }

    private static boolean reachable(String url) {
        // PostgreSQL counts the connect timeout in seconds, MariaDB in milliseconds
        String timeout = url.startsWith("jdbc:postgresql:") ? "connectTimeout=2" : "connectTimeout=2000";
        try (var c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + timeout)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void sql(String url, String statement) {
        try (var c = DriverManager.getConnection(url); var s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("cleaning up the test ERP failed: " + e.getMessage(), e);
        }
    }
}
