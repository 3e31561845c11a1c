package io.segmenthub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/examples/chanjet.yml against a local server answering as 畅捷通's open API does: a rotating refresh token. */
class ChanjetContractTest {

    static final String TOKEN = "/auth/v2/refreshToken";
    static final String QUERY = "/tplus/api/v2/partner/QueryPage";

    @TempDir
    Path tmp;
    HttpFixture hub;

    @BeforeEach
    void start() throws Exception {
        hub = new HttpFixture("chanjet", tmp, Map.of("CHANJET_BASE_URL", "{{wiremock}}", "CHANJET_APP_KEY", "ak", "CHANJET_APP_SECRET", "as",
                "CHANJET_REFRESH_TOKEN", "R0", "CHANJET_PAGE_SIZE", "2", "CHANJET_BACKOFF_MS", "5", "CHANJET_MAX_BACKOFF_MS", "20"));
        for (int i = 0; i < 3; i++) {
            hub.api.stubFor(post(TOKEN).withHeader("appKey", equalTo("ak")).withRequestBody(matchingJsonPath("$.refreshToken", equalTo("R" + i)))
                    .willReturn(okJson("{\"code\":\"200\",\"result\":{\"access_token\":\"A" + (i + 1) + "\",\"refresh_token\":\"R" + (i + 1)
                            + "\",\"expires_in\":518400}}")));
        }
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static String partner(String code, String name) {
        return "{\"Code\":\"" + code + "\",\"Name\":\"" + name + "\",\"MobilePhone\":\"13900000000\",\"Email\":\"" + code + "@example.test\"}";
    }

    void stubPage(String token, int page, String body) {
        hub.api.stubFor(post(QUERY).withHeader("openToken", equalTo(token)).withRequestBody(matchingJsonPath("$.param.PageIndex", equalTo("" + page)))
                .willReturn(okJson(body)));
    }

    @Test
    void pullsEveryPageRenewsARefusedTokenKeepsTheRotatedRefreshTokenAndWaitsOutThrottling() {
        stubPage("A1", 1, "{\"code\":\"200\",\"data\":[" + partner("P1", "孙 丽") + "," + partner("P2", "马 超") + "]}");
        hub.api.stubFor(post(QUERY).withHeader("openToken", equalTo("A1")).withRequestBody(matchingJsonPath("$.param.PageIndex", equalTo("2")))
                .willReturn(aResponse().withStatus(401)));
        hub.api.stubFor(post(QUERY).inScenario("quota").whenScenarioStateIs(Scenario.STARTED).withHeader("openToken", equalTo("A2"))
                .willReturn(okJson("{\"code\":\"14002\",\"msg\":\"too many requests\"}")).willSetStateTo("ok"));
        hub.api.stubFor(post(QUERY).inScenario("quota").whenScenarioStateIs("ok").withHeader("openToken", equalTo("A2"))
                .withRequestBody(matchingJsonPath("$.param.PageIndex", equalTo("2")))
                .willReturn(okJson("{\"code\":\"200\",\"data\":[" + partner("P3", "黄 蓉") + "]}")));

        assertThat(hub.pull("chanjet-partners").ids()).containsExactly("P1", "P2", "P3");

        String key = HttpSession.tokenKey(hub.config.connector("chanjet-partners").http().auth(), "chanjet-partners");
        assertThat(hub.state.refreshToken(key)).contains("R2");
        byte[] sealed = hub.jdbc.sql("SELECT sealed FROM http_auth_token WHERE token_key = :k").param("k", key).query(byte[].class).single();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("R2");
        hub.api.verify(postRequestedFor(urlEqualTo(TOKEN)).withRequestBody(matchingJsonPath("$.refreshToken", equalTo("R1"))));
    }

    @Test
    void theNextRunLogsInWithTheRotatedRefreshTokenNotTheConfiguredOne() {
        stubPage("A1", 1, "{\"code\":\"200\",\"data\":[]}");
        stubPage("A2", 1, "{\"code\":\"200\",\"data\":[]}");
        hub.pull("chanjet-partners");

        hub.pull("chanjet-partners");

        hub.api.verify(1, postRequestedFor(urlEqualTo(TOKEN)).withRequestBody(matchingJsonPath("$.refreshToken", equalTo("R0"))));
        hub.api.verify(1, postRequestedFor(urlEqualTo(TOKEN)).withRequestBody(matchingJsonPath("$.refreshToken", equalTo("R1"))));
    }

    @Test
    void theDestinationUsesTheRefreshTokenTheSourceRotated() {
        stubPage("A1", 1, "{\"code\":\"200\",\"data\":[]}");
        hub.api.stubFor(post("/tplus/api/v2/partner/Update").willReturn(okJson("{\"code\":\"200\",\"data\":true}")));
        hub.pull("chanjet-partners");

        hub.push("chanjet-segment-tag", "champions", List.of("P1"), List.of());

        hub.api.verify(postRequestedFor(urlEqualTo(TOKEN)).withRequestBody(matchingJsonPath("$.refreshToken", equalTo("R1"))));
        hub.api.verify(postRequestedFor(urlEqualTo("/tplus/api/v2/partner/Update")).withHeader("openToken", equalTo("A2")));
    }

    @Test
    void aUsedUpMonthlyQuotaInsideA200BodyFailsWithItsCode() {
        hub.api.stubFor(post(QUERY).willReturn(okJson("{\"code\":\"50112\",\"msg\":\"monthly quota used\"}")));

        assertThatThrownBy(() -> hub.pull("chanjet-partners")).isInstanceOf(HttpCallException.class).hasMessageContaining("error code 50112");
    }

    @Test
    void writesTheTagOntoEachPartner() {
        hub.api.stubFor(post("/tplus/api/v2/partner/Update").willReturn(okJson("{\"code\":\"200\",\"data\":true}")));

        hub.push("chanjet-segment-tag", "champions", List.of("P1"), List.of("P2"));

        hub.api.verify(postRequestedFor(urlEqualTo("/tplus/api/v2/partner/Update")).withHeader("openToken", equalTo("A1"))
                .withRequestBody(matchingJsonPath("$.dto.Code", equalTo("P1"))).withRequestBody(matchingJsonPath("$.dto.Memo", equalTo("champions"))));
        hub.api.verify(postRequestedFor(urlEqualTo("/tplus/api/v2/partner/Update"))
                .withRequestBody(matchingJsonPath("$.dto.Code", equalTo("P2"))).withRequestBody(matchingJsonPath("$.dto.Memo", equalTo(""))));
    }
}
