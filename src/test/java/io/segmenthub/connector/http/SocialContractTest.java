package io.segmenthub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/examples/social.yml: bearer token, page numbers, engagement counts, hash diff. */
class SocialContractTest {

    @TempDir
    Path tmp;
    HttpFixture hub;

    @BeforeEach
    void start() throws Exception {
        hub = new HttpFixture("social", tmp, Map.of("SOCIAL_BASE_URL", "{{wiremock}}", "SOCIAL_TOKEN", "tok", "SOCIAL_PAGE_SIZE", "2",
                "SOCIAL_BACKOFF_MS", "5", "SOCIAL_MAX_BACKOFF_MS", "20"));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static String profile(String handle, int followers) {
        return "{\"handle\":\"@" + handle + "\",\"display_name\":\"" + handle + "\",\"followers\":" + followers
                + ",\"likes\":5,\"comments\":2,\"updated\":\"2026-02-01T00:00:00Z\"}";
    }

    void page(int n, String body) {
        hub.api.stubFor(get(urlPathEqualTo("/v2/followers")).withHeader("Authorization", equalTo("Bearer tok"))
                .withQueryParam("page", equalTo("" + n)).withQueryParam("per_page", equalTo("2")).willReturn(okJson(body)));
    }

    @Test
    void pullsEveryPageWithEngagementCountsAndRetriesA503() {
        page(1, "{\"data\":[" + profile("ann", 10) + "," + profile("bob", 20) + "]}");
        hub.api.stubFor(get(urlPathEqualTo("/v2/followers")).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .withQueryParam("page", equalTo("2")).willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        hub.api.stubFor(get(urlPathEqualTo("/v2/followers")).inScenario("s").whenScenarioStateIs("up")
                .withQueryParam("page", equalTo("2")).willReturn(okJson("{\"data\":[" + profile("cy", 30) + "]}")));

        var pull = hub.pull("social-api");

        assertThat(pull.ids()).containsExactly("@ann", "@bob", "@cy");
        assertThat(pull.records().get(2).metrics()).containsEntry("social_followers", "30");
    }

    @Test
    void aRefusedTokenFailsAsAuthAndARateLimitErrorInsideA200Fails() {
        hub.api.stubFor(get(urlPathEqualTo("/v2/followers")).willReturn(aResponse().withStatus(401)));
        assertThatThrownBy(() -> hub.pull("social-api")).isInstanceOf(HttpCallException.class)
                .satisfies(e -> assertThat(((HttpCallException) e).kind()).isEqualTo(HttpCallException.Kind.AUTH));

        hub.api.resetAll();
        hub.api.stubFor(get(urlPathEqualTo("/v2/followers")).willReturn(okJson("{\"error\":{\"code\":\"rate_limited\"}}")));
        assertThatThrownBy(() -> hub.pull("social-api")).hasMessageContaining("error code rate_limited");
    }
}
