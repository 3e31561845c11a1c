package io.segmenthub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/examples/kingdee.yml against a local server that checks 金蝶云星辰's app signature and per-request HMAC. */
class KingdeeContractTest {

    static final String TOKEN = "/jdyconnector/app_management/kingdee_auth_token";
    static final String LIST = "/jdy/v2/bd/customer";

    @TempDir
    Path tmp;
    HttpFixture hub;

    @BeforeEach
    void start() throws Exception {
        hub = new HttpFixture("kingdee", tmp, Map.of("KINGDEE_BASE_URL", "{{wiremock}}", "KINGDEE_CLIENT_ID", "cid", "KINGDEE_CLIENT_SECRET",
                "csecret", "KINGDEE_APP_KEY", "key-1", "KINGDEE_APP_SECRET", "app-secret", "KINGDEE_PAGE_SIZE", "2", "KINGDEE_BACKOFF_MS", "5",
                "KINGDEE_MAX_BACKOFF_MS", "20"));
        String appSignature = Base64.getEncoder().encodeToString(HexFormat.of().formatHex(hmac("app-secret", "key-1")).getBytes(StandardCharsets.US_ASCII));
        hub.api.stubFor(get(urlPathEqualTo(TOKEN)).inScenario("token").whenScenarioStateIs(Scenario.STARTED)
                .withQueryParam("app_key", equalTo("key-1")).withQueryParam("app_signature", equalTo(appSignature))
                .willReturn(okJson("{\"errcode\":0,\"data\":{\"app-token\":\"AT1\",\"domain\":\"gw-1\"}}")).willSetStateTo("second"));
        hub.api.stubFor(get(urlPathEqualTo(TOKEN)).inScenario("token").whenScenarioStateIs("second")
                .withQueryParam("app_signature", equalTo(appSignature))
                .willReturn(okJson("{\"errcode\":0,\"data\":{\"app-token\":\"AT2\",\"domain\":\"gw-1\"}}")));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static byte[] hmac(String key, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    }

    static String customer(String id, long modified) {
        return "{\"id\":\"" + id + "\",\"name\":\"客户 " + id + "\",\"mobile\":\"13700000000\",\"modify_time\":" + modified + "}";
    }

    @Test
    void pullsSignedPagesRenewsTheAppTokenAndWaitsOutA429() throws Exception {
        hub.api.stubFor(get(urlPathEqualTo(LIST)).withHeader("app-token", equalTo("AT1")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson("{\"errcode\":0,\"data\":{\"count\":3,\"rows\":[" + customer("k1", 1000) + "," + customer("k2", 2000) + "]}}")));
        hub.api.stubFor(get(urlPathEqualTo(LIST)).withHeader("app-token", equalTo("AT1")).withQueryParam("page", equalTo("2"))
                .willReturn(aResponse().withStatus(401)));
        hub.api.stubFor(get(urlPathEqualTo(LIST)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED).withHeader("app-token", equalTo("AT2"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("free"));
        hub.api.stubFor(get(urlPathEqualTo(LIST)).inScenario("busy").whenScenarioStateIs("free").withHeader("app-token", equalTo("AT2"))
                .withQueryParam("page", equalTo("2"))
                .willReturn(okJson("{\"errcode\":0,\"data\":{\"count\":3,\"rows\":[" + customer("k3", 3000) + "]}}")));

        assertThat(hub.pull("kingdee-customers").ids()).containsExactly("k1", "k2", "k3");

        List<LoggedRequest> calls = hub.api.findAll(getRequestedFor(urlPathEqualTo(LIST)));
        assertThat(calls).hasSizeGreaterThanOrEqualTo(3);
        for (LoggedRequest call : calls) {
            URI uri = URI.create(call.getAbsoluteUrl());
            String toSign = "GET\n" + URLEncoder.encode(uri.getPath(), StandardCharsets.UTF_8) + "\n" + uri.getRawQuery()
                    + "\nx-api-nonce:" + call.getHeader("X-Api-Nonce") + "\nx-api-timestamp:" + call.getHeader("X-Api-TimeStamp") + "\n";
            assertThat(call.getHeader("X-Api-Signature")).isEqualTo(Base64.getEncoder().encodeToString(hmac("csecret", toSign)));
            assertThat(call.getHeader("X-Api-ClientID")).isEqualTo("cid");
            assertThat(call.getHeader("X-GW-Router-Addr")).isEqualTo("gw-1");
        }
        assertThat(calls).extracting(c -> c.getHeader("X-Api-Nonce")).doesNotHaveDuplicates();
    }

    @Test
    void anErrcodeInsideA200BodyFailsThePull() {
        hub.api.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson("{\"errcode\":1001,\"description\":\"no permission\"}")));

        assertThatThrownBy(() -> hub.pull("kingdee-customers")).isInstanceOf(HttpCallException.class).hasMessageContaining("error code 1001");
        assertThat(hub.watermarks.get("kingdee-customers")).isEmpty();
    }

    @Test
    void writesTheTagWithASignedSave() {
        hub.api.stubFor(post("/jdy/v2/bd/customer/save").willReturn(okJson("{\"errcode\":0}")));

        hub.push("kingdee-segment-tag", "champions", List.of("k1"), List.of());

        hub.api.verify(postRequestedFor(urlEqualTo("/jdy/v2/bd/customer/save")).withHeader("app-token", equalTo("AT1"))
                .withRequestBody(matchingJsonPath("$.id", equalTo("k1"))).withRequestBody(matchingJsonPath("$.segment_tag", equalTo("champions"))));
    }
}
