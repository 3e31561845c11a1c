package io.segmenthub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.segmenthub.pipeline.ConsentSignal;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/examples/web-analytics.yml: client credentials, next-URL paging, events with consent state. */
class WebAnalyticsContractTest {

    @TempDir
    Path tmp;
    HttpFixture hub;

    @BeforeEach
    void start() throws Exception {
        hub = new HttpFixture("web-analytics", tmp, Map.of("ANALYTICS_BASE_URL", "{{wiremock}}", "ANALYTICS_CLIENT_ID", "cid",
                "ANALYTICS_CLIENT_SECRET", "cs", "ANALYTICS_BACKOFF_MS", "5", "ANALYTICS_MAX_BACKOFF_MS", "20"));
        hub.api.stubFor(post("/oauth/token").inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(containing("grant_type=client_credentials")).withRequestBody(containing("client_secret=cs"))
                .willReturn(okJson("{\"access_token\":\"T1\",\"token_type\":\"bearer\",\"expires_in\":3600}")).willSetStateTo("2"));
        hub.api.stubFor(post("/oauth/token").inScenario("t").whenScenarioStateIs("2")
                .willReturn(okJson("{\"access_token\":\"T2\",\"token_type\":\"bearer\",\"expires_in\":3600}")));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static String event(String id, String user, String ts, boolean analytics) {
        return "{\"event_id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"email\":\"" + user + "@example.test\",\"type\":\"page_view\",\"ts\":\""
                + ts + "\",\"consent\":{\"analytics\":" + analytics + ",\"marketing_email\":false}}";
    }

    @Test
    void followsNextUrlsRenewsTheTokenAndKeepsEachUsersConsent() {
        hub.api.stubFor(get(urlPathEqualTo("/v1/events")).withHeader("Authorization", equalTo("Bearer T1"))
                .willReturn(okJson("{\"events\":[" + event("e1", "u1", "2026-02-01T10:00:00Z", true) + "," + event("e2", "u2",
                        "2026-02-01T11:00:00Z", false) + "],\"next\":\"/v1/events/page?cursor=p2\"}")));
        hub.api.stubFor(get(urlEqualTo("/v1/events/page?cursor=p2")).withHeader("Authorization", equalTo("Bearer T1"))
                .willReturn(aResponse().withStatus(401)));
        hub.api.stubFor(get(urlEqualTo("/v1/events/page?cursor=p2")).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .withHeader("Authorization", equalTo("Bearer T2")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
                .willSetStateTo("free"));
        hub.api.stubFor(get(urlEqualTo("/v1/events/page?cursor=p2")).inScenario("busy").whenScenarioStateIs("free")
                .withHeader("Authorization", equalTo("Bearer T2"))
                .willReturn(okJson("{\"events\":[" + event("e3", "u3", "2026-02-01T12:00:00Z", true) + "],\"next\":null}")));

        var pull = hub.pull("web-analytics-api");

        assertThat(pull.ids()).containsExactly("u1", "u2", "u3");
        assertThat(pull.records().get(1).consents()).extracting(ConsentSignal::purpose).contains("analytics");
        assertThat(pull.records().get(0).events()).hasSize(1);
        assertThat(hub.watermarks.get("web-analytics-api")).contains("2026-02-01T12:00:00Z");
        hub.api.verify(getRequestedFor(urlPathEqualTo("/v1/events")).withQueryParam("since", equalTo("1970-01-01T00:00:00Z")));
        hub.api.verify(2, postRequestedFor(urlEqualTo("/oauth/token")));
    }

    @Test
    void everyEventOfAUserArrivesNotOnlyTheFirst() {
        // the record id is the user id: a user's second event is not a record repeated by paging drift
        hub.api.stubFor(get(urlPathEqualTo("/v1/events")).willReturn(okJson("{\"events\":[" + event("e1", "u1", "2026-02-01T10:00:00Z", true)
                + "," + event("e2", "u1", "2026-02-01T10:05:00Z", true) + "],\"next\":\"/v1/events/page?cursor=p2\"}")));
        hub.api.stubFor(get(urlEqualTo("/v1/events/page?cursor=p2")).willReturn(okJson("{\"events\":["
                + event("e3", "u1", "2026-02-01T10:09:00Z", true) + "," + event("e3", "u1", "2026-02-01T10:09:00Z", true) + "],\"next\":null}")));

        var pull = hub.pull("web-analytics-api");

        assertThat(pull.records()).flatExtracting(r -> r.events()).extracting(e -> e.id()).containsExactly("e1", "e2", "e3");
        assertThat(pull.run().report().notes()).containsEntry("connector web-analytics-api repeated records",
                "1 records came again on a later page and were stored once");
        assertThat(hub.watermarks.get("web-analytics-api")).contains("2026-02-01T10:09:00Z");
    }

    @Test
    void anErrorObjectInsideA200BodyFailsThePull() {
        hub.api.stubFor(get(urlPathEqualTo("/v1/events")).willReturn(okJson("{\"error\":{\"code\":\"quota_exceeded\"},\"events\":[]}")));

        assertThatThrownBy(() -> hub.pull("web-analytics-api")).hasMessageContaining("error code quota_exceeded");
    }
}
