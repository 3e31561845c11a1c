package io.segmenthub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/examples/jiandaoyun.yml against a local server answering as 简道云's v5 API does, and its webhook. */
class JiandaoyunContractTest {

    static final String LIST = "/v5/app/entry/data/list";

    @TempDir
    Path tmp;
    HttpFixture hub;

    @BeforeEach
    void start() throws Exception {
        hub = new HttpFixture("jiandaoyun", tmp, Map.of("JDY_BASE_URL", "{{wiremock}}", "JDY_API_KEY", "key-1", "JDY_APP_ID", "app-1",
                "JDY_ENTRY_ID", "entry-1", "JDY_WEBHOOK_SECRET", "hook-secret", "JDY_PAGE_SIZE", "2", "JDY_BACKOFF_MS", "5",
                "JDY_MAX_BACKOFF_MS", "20"));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static String entry(String id, String name) {
        return "{\"_id\":\"" + id + "\",\"_widget_name\":\"" + name + "\",\"_widget_email\":\"" + id + "@example.test\","
                + "\"createTime\":\"2026-01-01T00:00:00.000Z\",\"updateTime\":\"2026-02-01T00:00:00.000Z\"}";
    }

    void stubPages() {
        hub.api.stubFor(post(LIST).withRequestBody(matchingJsonPath("$.data_id", absent()))
                .willReturn(okJson("{\"data\":[" + entry("d1", "赵 敏") + "," + entry("d2", "周 杰") + "]}")));
        hub.api.stubFor(post(LIST).inScenario("rate").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$.data_id", equalTo("d2")))
                .willReturn(aResponse().withStatus(400).withBody("{\"code\":8303,\"msg\":\"rate limit\"}")).willSetStateTo("ok"));
        hub.api.stubFor(post(LIST).inScenario("rate").whenScenarioStateIs("ok")
                .withRequestBody(matchingJsonPath("$.data_id", equalTo("d2")))
                .willReturn(okJson("{\"data\":[" + entry("d3", "吴 刚") + "]}")));
    }

    @Test
    void pullsByKeysetWithTheLastIdAndWaitsOutTheVendorThrottleCode() {
        stubPages();

        var pull = hub.pull("jiandaoyun-customers");

        assertThat(pull.ids()).containsExactly("d1", "d2", "d3");
        hub.api.verify(postRequestedFor(urlEqualTo(LIST)).withHeader("Authorization", equalTo("Bearer key-1"))
                .withRequestBody(equalToJson("{\"app_id\":\"app-1\",\"entry_id\":\"entry-1\",\"limit\":2}")));
    }

    @Test
    void aSecondFullPullPassesOnOnlyWhatChanged() {
        stubPages();
        hub.pull("jiandaoyun-customers");
        hub.api.resetAll();
        hub.api.stubFor(post(LIST).withRequestBody(matchingJsonPath("$.data_id", absent()))
                .willReturn(okJson("{\"data\":[" + entry("d1", "赵 敏") + "," + entry("d2", "周 杰 (changed)") + "]}")));
        hub.api.stubFor(post(LIST).withRequestBody(matchingJsonPath("$.data_id", equalTo("d2")))
                .willReturn(okJson("{\"data\":[" + entry("d3", "吴 刚") + "]}")));

        assertThat(hub.pull("jiandaoyun-customers").ids()).containsExactly("d2");
    }

    @Test
    void aWrongApiKeyFailsAsAnAuthFailure() {
        hub.api.stubFor(post(LIST).willReturn(aResponse().withStatus(401).withBody("{\"code\":8301,\"msg\":\"invalid apikey\"}")));

        assertThatThrownBy(() -> hub.pull("jiandaoyun-customers")).isInstanceOf(HttpCallException.class)
                .satisfies(e -> assertThat(((HttpCallException) e).kind()).isEqualTo(HttpCallException.Kind.AUTH));
    }

    @Test
    void writesTheTagWidgetWithATransactionIdThatRepeatsForTheSameDiff() {
        hub.api.stubFor(post("/v5/app/entry/data/update").willReturn(okJson("{\"data\":{\"_id\":\"d1\"}}")));

        hub.push("jiandaoyun-segment-tag", "champions", List.of("d1"), List.of());
        hub.push("jiandaoyun-segment-tag", "champions", List.of("d1"), List.of());

        var sent = hub.api.findAll(postRequestedFor(urlEqualTo("/v5/app/entry/data/update")));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).getBodyAsString()).isEqualTo(sent.get(1).getBodyAsString());
        hub.api.verify(postRequestedFor(urlEqualTo("/v5/app/entry/data/update")).withRequestBody(
                matchingJsonPath("$.data._widget_segment.value", equalTo("champions"))).withRequestBody(
                matchingJsonPath("$.data_id", equalTo("d1"))));
    }

    @Nested
    class Webhooks {
        final String payload = "{\"op\":\"data_update\",\"data\":" + entry("d7", "郑 爽") + "}";
        JiandaoyunWebhookController controller;

        @BeforeEach
        void controller() {
            controller = new JiandaoyunWebhookController(new JiandaoyunWebhooks(hub.config, hub.state, new ObjectMapper()));
            hub.api.stubFor(post(LIST).willReturn(okJson("{\"data\":[]}")));
        }

        int deliver(String deliveryId, String signature) {
            return controller.receive("jiandaoyun-customers", "n0nce", "1767225600", signature, deliveryId,
                    payload.getBytes(StandardCharsets.UTF_8)).getStatusCode().value();
        }

        String valid() {
            return JiandaoyunWebhooks.signature("n0nce", payload, "hook-secret", "1767225600");
        }

        @Test
        void aBadSignatureIsRefusedWith401AndStoresNothing() {
            assertThat(deliver("del-1", "0".repeat(40))).isEqualTo(401);
            assertThat(hub.state.pending("jiandaoyun-customers")).isEmpty();
        }

        @Test
        void aDuplicateDeliveryIsAcknowledgedButKeptOnce() {
            assertThat(deliver("del-1", valid())).isEqualTo(200);
            assertThat(deliver("del-1", valid())).isEqualTo(200);
            assertThat(hub.state.pending("jiandaoyun-customers")).hasSize(1);
        }

        @Test
        void theNextSyncIngestsTheChangeOnceAndOnlyOnce() {
            deliver("del-1", valid());

            assertThat(hub.pull("jiandaoyun-customers").ids()).containsExactly("d7");
            assertThat(hub.pull("jiandaoyun-customers").ids()).isEmpty();
            assertThat(hub.state.pending("jiandaoyun-customers")).isEmpty();
        }
    }
}
