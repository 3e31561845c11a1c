package io.segmenthub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.connector.ConnectionTest.Step;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code connector test ID} for http connectors names the failing step: dns, auth or schema. */
class HttpConnectionStepsTest {

    @TempDir
    Path tmp;
    HttpFixture hub;

    @AfterEach
    void stop() {
        hub.close();
    }

    List<Step> test(Map<String, String> overrides) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("FXIAOKE_BASE_URL", "{{wiremock}}", "FXIAOKE_APP_ID", "app-1",
                "FXIAOKE_APP_SECRET", "secret-1", "FXIAOKE_PERMANENT_CODE", "perm-1", "FXIAOKE_OPEN_USER_ID", "user-1",
                "FXIAOKE_BACKOFF_MS", "5", "FXIAOKE_MAX_BACKOFF_MS", "20"));
        env.putAll(overrides);
        hub = new HttpFixture("fxiaoke", tmp, env);
        hub.api.stubFor(post(FxiaokeContractTest.TOKEN).withRequestBody(matchingJsonPath("$.appSecret", equalTo("secret-1")))
                .willReturn(okJson("{\"errorCode\":0,\"corpAccessToken\":\"T1\",\"corpId\":\"C1\",\"expiresIn\":7200}")));
        hub.api.stubFor(post(FxiaokeContractTest.TOKEN).withRequestBody(matchingJsonPath("$.appSecret", equalTo("wrong")))
                .willReturn(okJson("{\"errorCode\":20002,\"errorMessage\":\"invalid appSecret\"}")));
        hub.api.stubFor(post(FxiaokeContractTest.QUERY).withRequestBody(matchingJsonPath("$.data.dataObjectApiName", equalTo("ContactObj")))
                .willReturn(okJson(FxiaokeContractTest.page(1, FxiaokeContractTest.contact("c01", "王 芳", 1000)))));
        hub.api.stubFor(post(FxiaokeContractTest.QUERY).withRequestBody(matchingJsonPath("$.data.dataObjectApiName", equalTo("NoSuchObj")))
                .willReturn(okJson("{\"errorCode\":20001,\"errorMessage\":\"object not found\"}")));
        var source = hub.source;
        var tester = new HttpConnectionTest(source, hub.destination, hub.watermarks);
        return tester.test(hub.config.connector("fxiaoke-contacts"));
    }

    static String failed(List<Step> steps) {
        return steps.stream().filter(s -> !s.ok()).map(Step::name).findFirst().orElse("none");
    }

    @Test
    void everyStepPassesAgainstAWorkingApi() throws Exception {
        var steps = test(Map.of());
        assertThat(steps).extracting(Step::name).containsExactly("dns", "connect", "tls", "auth", "permission", "schema");
        assertThat(failed(steps)).isEqualTo("none");
    }

    @Test
    void aWrongUrlFailsAtDns() throws Exception {
        assertThat(failed(test(Map.of("FXIAOKE_BASE_URL", "http://no-such-host.invalid")))).isEqualTo("dns");
    }

    @Test
    void aWrongSecretFailsAtAuth() throws Exception {
        var steps = test(Map.of("FXIAOKE_APP_SECRET", "wrong"));
        assertThat(failed(steps)).isEqualTo("auth");
        assertThat(steps.toString()).doesNotContain("wrong");
    }

    @Test
    void aWrongObjectNameFailsAtSchema() throws Exception {
        assertThat(failed(test(Map.of("FXIAOKE_OBJECT", "NoSuchObj")))).isEqualTo("schema");
    }
}
