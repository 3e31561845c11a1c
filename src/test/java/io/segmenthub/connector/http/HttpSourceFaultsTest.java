package io.segmenthub.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.segmenthub.connector.http.FxiaokeContractTest.QUERY;
import static io.segmenthub.connector.http.FxiaokeContractTest.TOKEN;
import static io.segmenthub.connector.http.FxiaokeContractTest.contact;
import static io.segmenthub.connector.http.FxiaokeContractTest.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults of an HTTP source (issue 9), on the 纷享销客 example: what a pull passes on and which
 * watermark it leaves. Nothing lost, nothing twice, the watermark never past unread data, and a
 * failure names its reason without personal data.
 */
class HttpSourceFaultsTest {

    @TempDir
    Path tmp;
    HttpFixture hub;

    @BeforeEach
    void start() throws Exception {
        hub = new HttpFixture("fxiaoke", tmp, Map.of("FXIAOKE_BASE_URL", "{{wiremock}}", "FXIAOKE_APP_ID", "app-1",
                "FXIAOKE_APP_SECRET", "secret-1", "FXIAOKE_PERMANENT_CODE", "perm-1", "FXIAOKE_OPEN_USER_ID", "user-1",
                "FXIAOKE_PAGE_SIZE", "2", "FXIAOKE_BACKOFF_MS", "5", "FXIAOKE_MAX_BACKOFF_MS", "20", "FXIAOKE_TIMEOUT_SECONDS", "1"));
        hub.api.stubFor(post(TOKEN).willReturn(okJson("{\"errorCode\":0,\"corpAccessToken\":\"T1\",\"corpId\":\"C1\",\"expiresIn\":7200}")));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    void pageAt(int offset, String body) {
        hub.api.stubFor(post(QUERY).withRequestBody(matchingJsonPath("$.data.search_query_info.offset", equalTo(String.valueOf(offset))))
                .willReturn(okJson(body)));
    }

    /** Page 2 fails once as given, then answers. */
    void secondPageFailsOnceWith(ResponseDefinitionBuilder failure) {
        pageAt(0, page(3, contact("c01", "王 芳", 1000), contact("c02", "李 娜", 2000)));
        hub.api.stubFor(post(QUERY).inScenario("fault").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$.data.search_query_info.offset", equalTo("2")))
                .willReturn(failure).willSetStateTo("recovered"));
        hub.api.stubFor(post(QUERY).inScenario("fault").whenScenarioStateIs("recovered")
                .withRequestBody(matchingJsonPath("$.data.search_query_info.offset", equalTo("2")))
                .willReturn(okJson(page(3, contact("c03", "张 伟", 3000)))));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503})
    void aServerErrorIsRetriedAndEveryRecordArrivesOnce(int status) {
        secondPageFailsOnceWith(aResponse().withStatus(status));

        assertThat(hub.pull("fxiaoke-contacts").ids()).containsExactly("c01", "c02", "c03");
        assertThat(hub.watermarks.get("fxiaoke-contacts")).contains("3000");
    }

    @Test
    void aConnectionResetIsRetried() {
        secondPageFailsOnceWith(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        assertThat(hub.pull("fxiaoke-contacts").ids()).containsExactly("c01", "c02", "c03");
    }

    @Test
    void aResponseSlowerThanTheTimeoutIsRetried() {
        secondPageFailsOnceWith(okJson(page(3, contact("c03", "张 伟", 3000))).withFixedDelay(1_500));

        assertThat(hub.pull("fxiaoke-contacts").ids()).containsExactly("c01", "c02", "c03");
    }

    @Test
    void a429WithRetryAfterIsWaitedOut() {
        secondPageFailsOnceWith(aResponse().withStatus(429).withHeader("Retry-After", "1"));

        assertThat(hub.pull("fxiaoke-contacts").ids()).containsExactly("c01", "c02", "c03");
    }

    @Test
    void aTokenExpiringMidRunIsRenewedAndThePullGoesOn() {
        secondPageFailsOnceWith(okJson("{\"errorCode\":20016,\"errorMessage\":\"token expired\"}"));

        assertThat(hub.pull("fxiaoke-contacts").ids()).containsExactly("c01", "c02", "c03");
    }

    @Test
    void aSourceThatKeepsFailingFailsThePullWithTheReasonAndLeavesTheWatermark() {
        pageAt(0, page(3, contact("c01", "王 芳", 1000), contact("c02", "李 娜", 2000)));
        hub.api.stubFor(post(QUERY).withRequestBody(matchingJsonPath("$.data.search_query_info.offset", equalTo("2")))
                .willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> hub.pull("fxiaoke-contacts"))
                .hasMessageContaining("connector 'fxiaoke-contacts'")
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("gave up after")
                .hasMessageNotContaining("王").hasMessageNotContaining("example.test");
        assertThat(hub.watermarks.get("fxiaoke-contacts")).isEmpty();
    }

    @Test
    void aRecordRepeatedOnTheNextPageArrivesOnce() {
        pageAt(0, page(3, contact("c01", "王 芳", 1000), contact("c02", "李 娜", 2000)));
        pageAt(2, page(3, contact("c02", "李 娜", 2000), contact("c03", "张 伟", 3000)));
        pageAt(4, page(3));

        var pull = hub.pull("fxiaoke-contacts");

        assertThat(pull.ids()).containsExactly("c01", "c02", "c03");
        assertThat(pull.run().report().notes()).containsKey("connector fxiaoke-contacts repeated records");
    }

    @Test
    void aSkippedRecordKeepsTheWatermarkSoTheNextRunReadsTheGap() {
        hub.watermarks.commit(Map.of("fxiaoke-contacts", "500"), "earlier-run");
        pageAt(0, page(4, contact("c01", "王 芳", 1000), contact("c02", "李 娜", 2000)));
        pageAt(2, page(4, contact("c04", "刘 洋", 4000))); // c03 moved to an earlier offset while paging

        var pull = hub.pull("fxiaoke-contacts");

        assertThat(pull.ids()).containsExactly("c01", "c02", "c04");
        assertThat(hub.watermarks.get("fxiaoke-contacts")).contains("500");
        assertThat(pull.run().report().notes().get("connector fxiaoke-contacts drift")).contains("watermark not advanced");
    }

    @Test
    void aRecordWithoutAnIdCountsAsArrivedAndIsNotTakenForDrift() {
        pageAt(0, page(3, contact("c01", "王 芳", 1000), "{\"name\":\"无 名\",\"last_modified_time\":1500}"));
        pageAt(2, page(3, contact("c03", "张 伟", 3000)));

        var pull = hub.pull("fxiaoke-contacts");

        assertThat(pull.ids()).containsExactly("c01", "c03");
        assertThat(pull.run().report().notes()).doesNotContainKey("connector fxiaoke-contacts drift");
        assertThat(hub.watermarks.get("fxiaoke-contacts")).contains("3000");
    }
}
