package io.segmenthub.connector.salesforce;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.segmenthub.connector.ConnectionTest.Step;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.ConnectorType;
import io.segmenthub.connector.RecordMapping;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code connector test} for salesforce names the step that fails: dns, tls, auth, permission, schema. */
class SalesforceConnectionTestTest {

    static final WireMockServer salesforce = new WireMockServer(options().dynamicPort());
    static CamelContext camel;

    @BeforeAll
    static void start() {
        salesforce.start();
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stop() {
        camel.stop();
        salesforce.stop();
    }

    @BeforeEach
    void org() {
        salesforce.resetAll();
        salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token")).withRequestBody(containing("client_secret=right"))
                .willReturn(okJson("""
                        {"access_token": "t", "instance_url": "%1$s", "id": "%1$s/id/00D000000000001AAA/005000000000001AAA",
                         "token_type": "Bearer", "issued_at": "1767225600000", "signature": "c2ln"}""".formatted(salesforce.baseUrl()))));
        salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token")).withRequestBody(containing("client_secret=wrong"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}")));
        salesforce.stubFor(get(urlPathEqualTo("/services/data/v59.0/sobjects/"))
                .willReturn(okJson("{\"encoding\":\"UTF-8\",\"maxBatchSize\":200,\"sobjects\":[{\"name\":\"Contact\"},{\"name\":\"Lead\"}]}")
                        .withHeader("Sforce-Limit-Info", "api-usage=42/15000")));
        salesforce.stubFor(get(urlPathEqualTo("/services/data/v59.0/sobjects/Contact/describe")).willReturn(okJson("""
                {"name": "Contact", "queryable": true, "fields": [
                  {"name": "Id"}, {"name": "SystemModstamp"}, {"name": "FirstName"}, {"name": "LastName"}, {"name": "Email"},
                  {"name": "AccountId", "relationshipName": "Account"}, {"name": "Segments__c"}]}""")));
        salesforce.stubFor(get(urlPathEqualTo("/services/data/v59.0/sobjects/Contct/describe")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]")));
    }

    @Test
    void everyStepPassesForAReachableOrgWithTheMappedFields() {
        List<Step> steps = test(salesforce.baseUrl(), "right", "Contact", "Email");

        assertThat(steps).extracting(Step::name).containsExactly("dns", "tls", "auth", "permission", "schema");
        assertThat(steps).allMatch(Step::ok);
        assertThat(steps.get(3).detail()).contains("42/15000");
        assertThat(steps.get(4).detail()).contains("Contact has every field used");
    }

    @Test
    void jwtBearerSignsInWithTheKeyFromAPemFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var keys = generator.generateKeyPair();
        java.nio.file.Path pem = dir.resolve("hub-jwt.key");
        try (var writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(java.nio.file.Files.newBufferedWriter(pem))) {
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null));
        }
        salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token"))
                .withRequestBody(containing("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"))
                .willReturn(okJson("""
                        {"access_token": "t", "instance_url": "%1$s", "id": "%1$s/id/00D000000000001AAA/005000000000001AAA",
                         "token_type": "Bearer", "issued_at": "1767225600000", "signature": "c2ln"}""".formatted(salesforce.baseUrl()))));
        var settings = new SalesforceSettings(salesforce.baseUrl(), null, "59.0",
                new SalesforceSettings.Auth(SalesforceSettings.Auth.Flow.JWT, "hub-app", null, "integration@example.com", null, null,
                        pem.toString(), null),
                "Contact", List.of(), null, 0L, null, null, null, null, java.time.Duration.ofSeconds(5));

        try (SalesforceApi api = new SalesforceApi(camel, "jwt", settings)) {
            api.login();
        }

        String body = salesforce.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/services/oauth2/token")))
                .get(0).getBodyAsString();
        String assertion = java.net.URLDecoder.decode(body.replaceAll(".*assertion=([^&]*).*", "$1"), java.nio.charset.StandardCharsets.UTF_8);
        String[] parts = assertion.split("\\.");
        var verifier = java.security.Signature.getInstance("SHA256withRSA");
        verifier.initVerify(keys.getPublic());
        verifier.update((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(verifier.verify(java.util.Base64.getUrlDecoder().decode(parts[2]))).as("RS256 signature by the PEM key").isTrue();
        assertThat(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"iss\":\"hub-app\"").contains("\"sub\":\"integration@example.com\"");
    }

    @Test
    void refreshTokenFlowSignsInWithTheStoredToken() {
        salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token")).withRequestBody(containing("grant_type=refresh_token"))
                .withRequestBody(containing("refresh_token=5Aep861-stored")).willReturn(okJson("""
                        {"access_token": "t", "instance_url": "%1$s", "id": "%1$s/id/00D000000000001AAA/005000000000001AAA",
                         "token_type": "Bearer", "issued_at": "1767225600000", "signature": "c2ln"}""".formatted(salesforce.baseUrl()))));
        var settings = new SalesforceSettings(salesforce.baseUrl(), null, "59.0",
                new SalesforceSettings.Auth(SalesforceSettings.Auth.Flow.REFRESH_TOKEN, "hub-app", "app-secret", null, null, "5Aep861-stored",
                        null, null),
                "Contact", List.of(), null, 0L, null, null, null, null, java.time.Duration.ofSeconds(5));

        try (SalesforceApi api = new SalesforceApi(camel, "refresh", settings)) {
            api.login();
            assertThat(api.instanceUrl()).isEqualTo(salesforce.baseUrl());
        }
    }

    @Nested
    class NamesTheFailingStep {

        @Test
        void dnsForALoginHostThatDoesNotResolve() {
            List<Step> steps = test("https://no-such-org.invalid", "right", "Contact", "Email");

            assertThat(failed(steps)).isEqualTo(new Step("dns", false, "cannot resolve no-such-org.invalid (check login-url)"));
        }

        @Test
        void tlsForAHostThatDoesNotAnswer() {
            List<Step> steps = test("http://127.0.0.1:1", "right", "Contact", "Email");

            assertThat(failed(steps).name()).isEqualTo("tls");
            assertThat(failed(steps).detail()).contains("cannot reach 127.0.0.1:1");
        }

        @Test
        void authForAWrongClientSecret() {
            List<Step> steps = test(salesforce.baseUrl(), "wrong", "Contact", "Email");

            assertThat(failed(steps).name()).isEqualTo("auth");
            assertThat(failed(steps).detail()).contains("invalid_client").doesNotContain("wrong");
        }

        @Test
        void schemaForAWrongObjectName() {
            List<Step> steps = test(salesforce.baseUrl(), "right", "Contct", "Email");

            assertThat(failed(steps)).isEqualTo(new Step("schema", false, "no object Contct in this org (or not visible to this user)"));
        }

        @Test
        void schemaForAMissingField() {
            List<Step> steps = test(salesforce.baseUrl(), "right", "Contact", "Emial");

            assertThat(failed(steps).name()).isEqualTo("schema");
            assertThat(failed(steps).detail()).contains("lacks the fields [Emial]");
        }
    }

    private static Step failed(List<Step> steps) {
        return steps.stream().filter(s -> !s.ok()).findFirst().orElseThrow();
    }

    static List<Step> test(String loginUrl, String secret, String object, String emailField) {
        var settings = new SalesforceSettings(loginUrl, null, "59.0",
                new SalesforceSettings.Auth(SalesforceSettings.Auth.Flow.CLIENT_CREDENTIALS, "hub-app", secret, null, null, null, null, null),
                object, List.of("Account.Name"), null, 0L, null, null, null, null, java.time.Duration.ofSeconds(5));
        var mapping = new RecordMapping("Id", null, "SystemModstamp", Map.of("email", emailField, "given_name", "FirstName"),
                Map.of(), Map.of(), null, null, null);
        var connector = new ConnectorConfig("sf", ConnectorType.SALESFORCE, "salesforce", null, "customer_account", null, null, null, null,
                settings, mapping);
        List<Step> steps = new ArrayList<>();
        SalesforceConnectionTest.run(camel, connector, Optional.empty(), steps);
        return steps;
    }
}
