package io.segmenthub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.segmenthub.profile.Attribute;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/examples/fxiaoke.yml against a local server answering as 纷享销客's v2 open API does. */
class FxiaokeContractTest {

    static final String QUERY = "/cgi/crm/v2/data/query";
    static final String TOKEN = "/cgi/corpAccessToken/get/V2";

    @TempDir
    Path tmp;
    HttpFixture hub;

    @BeforeEach
    void start() throws Exception {
        hub = new HttpFixture("fxiaoke", tmp, Map.of("FXIAOKE_BASE_URL", "{{wiremock}}", "FXIAOKE_APP_ID", "app-1",
                "FXIAOKE_APP_SECRET", "secret-1", "FXIAOKE_PERMANENT_CODE", "perm-1", "FXIAOKE_OPEN_USER_ID", "user-1",
                "FXIAOKE_PAGE_SIZE", "2", "FXIAOKE_BACKOFF_MS", "5", "FXIAOKE_MAX_BACKOFF_MS", "20"));
        hub.api.stubFor(post(TOKEN).inScenario("token").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(equalToJson("{\"appId\":\"app-1\",\"appSecret\":\"secret-1\",\"permanentCode\":\"perm-1\"}"))
                .willReturn(okJson("{\"errorCode\":0,\"corpAccessToken\":\"T1\",\"corpId\":\"C1\",\"expiresIn\":7200}"))
                .willSetStateTo("issued"));
        hub.api.stubFor(post(TOKEN).inScenario("token").whenScenarioStateIs("issued")
                .willReturn(okJson("{\"errorCode\":0,\"corpAccessToken\":\"T2\",\"corpId\":\"C1\",\"expiresIn\":7200}")));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static String page(int total, String... contacts) {
        return "{\"errorCode\":0,\"errorMessage\":\"OK\",\"data\":{\"total\":" + total + ",\"dataList\":[" + String.join(",", contacts) + "]}}";
    }

    static String contact(String id, String name, long modified) {
        return "{\"_id\":\"" + id + "\",\"name\":\"" + name + "\",\"mobile\":\"+8613800000" + id.substring(1) + "\",\"email\":\""
                + id + "@example.test\",\"last_modified_time\":" + modified + "}";
    }

    @Test
    void pullsEveryPageReauthenticatesWhenTheTokenExpiresAndWaitsOutAThrottle() {
        stubPage("T1", 0, page(5, contact("c01", "王 芳", 1000), contact("c02", "李 娜", 2000)));
        hub.api.stubFor(post(QUERY).withRequestBody(matchingJsonPath("$.corpAccessToken", equalTo("T1")))
                .withRequestBody(matchingJsonPath("$.data.search_query_info.offset", equalTo("2")))
                .willReturn(okJson("{\"errorCode\":20016,\"errorMessage\":\"corpAccessToken expired\",\"traceId\":\"x\"}")));
        hub.api.stubFor(post(QUERY).inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$.corpAccessToken", equalTo("T2")))
                .withRequestBody(matchingJsonPath("$.data.search_query_info.offset", equalTo("2")))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("calm"));
        hub.api.stubFor(post(QUERY).inScenario("throttle").whenScenarioStateIs("calm")
                .withRequestBody(matchingJsonPath("$.corpAccessToken", equalTo("T2")))
                .withRequestBody(matchingJsonPath("$.data.search_query_info.offset", equalTo("2")))
                .willReturn(okJson(page(5, contact("c03", "张 伟", 3000), contact("c04", "刘 洋", 4000)))));
        stubPage("T2", 4, page(5, contact("c05", "陈 静", 5000)));

        var pull = hub.pull("fxiaoke-contacts");

        assertThat(pull.ids()).containsExactly("c01", "c02", "c03", "c04", "c05");
        assertThat(pull.records().get(0).identity()).containsEntry(Attribute.EMAIL, "c01@example.test");
        assertThat(hub.watermarks.get("fxiaoke-contacts")).contains("5000");
        hub.api.verify(2, postRequestedFor(urlEqualTo(TOKEN)));
        hub.api.verify(postRequestedFor(urlEqualTo(QUERY))
                .withRequestBody(matchingJsonPath("$.corpId", equalTo("C1")))
                .withRequestBody(matchingJsonPath("$.currentOpenUserId", equalTo("user-1")))
                .withRequestBody(matchingJsonPath("$.data.dataObjectApiName", equalTo("ContactObj")))
                .withRequestBody(matchingJsonPath("$.data.search_query_info.filters[0].field_values[0]", equalTo("0"))));
    }

    @Test
    void theNextRunAsksOnlyForChangesSinceTheWatermarkLessTheLookBack() {
        stubPage("T1", 0, page(1, contact("c01", "王 芳", 900_000)));
        stubPage("T2", 0, page(0));
        hub.pull("fxiaoke-contacts");
        hub.api.resetRequests();

        hub.pull("fxiaoke-contacts");

        hub.api.verify(postRequestedFor(urlEqualTo(QUERY))
                .withRequestBody(matchingJsonPath("$.data.search_query_info.filters[0].field_values[0]", equalTo("600000"))));
    }

    @Test
    void anErrorInsideA200BodyFailsThePullWithTheCodeAndCommitsNothing() {
        hub.api.stubFor(post(QUERY).willReturn(okJson("{\"errorCode\":20001,\"errorMessage\":\"object ContactObj not found for 王芳\"}")));

        assertThatThrownBy(() -> hub.pull("fxiaoke-contacts"))
                .isInstanceOf(HttpCallException.class)
                .hasMessageContaining("error code 20001")
                .hasMessageNotContaining("王芳");
        assertThat(hub.watermarks.get("fxiaoke-contacts")).isEmpty();
    }

    @Test
    void writesTheSegmentTagBackOntoEachContact() {
        hub.api.stubFor(post("/cgi/crm/v2/data/update").willReturn(okJson("{\"errorCode\":0,\"errorMessage\":\"OK\"}")));

        hub.push("fxiaoke-segment-tag", "champions", List.of("c01", "c02"), List.of("c09"));

        hub.api.verify(3, postRequestedFor(urlEqualTo("/cgi/crm/v2/data/update")));
        hub.api.verify(postRequestedFor(urlEqualTo("/cgi/crm/v2/data/update")).withRequestBody(equalToJson("""
                {"corpAccessToken":"T1","corpId":"C1","currentOpenUserId":"user-1","triggerWorkFlow":false,"triggerApprovalFlow":false,
                 "data":{"object_data":{"_id":"c02","dataObjectApiName":"ContactObj","segment_tag__c":"champions"}}}""")));
        hub.api.verify(postRequestedFor(urlEqualTo("/cgi/crm/v2/data/update"))
                .withRequestBody(matchingJsonPath("$.data.object_data._id", equalTo("c09")))
                .withRequestBody(matchingJsonPath("$.data.object_data.segment_tag__c", equalTo(""))));
    }

    private void stubPage(String token, int offset, String body) {
        hub.api.stubFor(post(QUERY).withRequestBody(matchingJsonPath("$.corpAccessToken", equalTo(token)))
                .withRequestBody(matchingJsonPath("$.data.search_query_info.offset", equalTo(String.valueOf(offset))))
                .willReturn(okJson(body)));
    }
}
