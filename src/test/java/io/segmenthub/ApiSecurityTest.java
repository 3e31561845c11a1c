package io.segmenthub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.pipeline.SyncRunner;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The role matrix: every API endpoint without credentials (401), with each role that may not use
 * it (403) and with each role that may (2xx). Also JWT bearer tokens from an identity provider
 * (roles from the {@code roles} claim), the health endpoint's public and admin views, and the
 * OpenAPI description.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // tests switch metrics export (and so /actuator/prometheus) off unless asked
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSecurityTest {

    private static final Set<String> ROLES = Set.of("admin", "compliance", "analyst");

    static Path root;
    static HubFixture fixture;
    static KeyPair idpKey;
    static KeyPair otherKey;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) throws Exception {
        if (fixture != null) {
            return; // the nested class shares the context
        }
        root = Files.createTempDirectory("segmenthub-security");
        fixture = new HubFixture(root).writeConfig();
        StoreUnderTest.register(registry, fixture);
        idpKey = rsa();
        otherKey = rsa();
        Path pem = root.resolve("idp-public.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(idpKey.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> "file:" + pem.toAbsolutePath());
    }

    @Autowired TestRestTemplate http;
    @Autowired SyncRunner runner;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;
    @Autowired JdbcConnections connections;

    String runId;
    String ada;

    @BeforeAll
    void oneSync() {
        // the JDK's client, not Jetty's: Jetty aborts a POST whose 401 arrives before its body is
        // sent and reports an I/O error instead of the 401 (seen once in CI on /api/subjects/access)
        http.getRestTemplate().setRequestFactory(new org.springframework.http.client.JdkClientHttpRequestFactory());
        fixture.reset(flyway, connections);
        runId = runner.run("nightly", "test").id();
        ada = store.sql("SELECT g.golden_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id WHERE r.system = 'erp' AND r.record_id = 'K1'").query(String.class).single();
    }

    @AfterAll
    void removeTheFolder() {
        org.springframework.util.FileSystemUtils.deleteRecursively(root.toFile());
    }

    /** One endpoint and the roles that may call it. */
    record Endpoint(HttpMethod method, String path, Object body, Set<String> allowed) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    Stream<Endpoint> endpoints() {
        Map<String, String> adaRef = Map.of("email", HubFixture.ADA_EMAIL);
        return Stream.of(
                new Endpoint(HttpMethod.GET, "/api/runs", null, Set.of("admin")),
                new Endpoint(HttpMethod.GET, "/api/runs/" + runId, null, Set.of("admin")),
                new Endpoint(HttpMethod.GET, "/api/runs/" + runId + "/quarantine", null, Set.of("admin")),
                new Endpoint(HttpMethod.GET, "/api/runs/current", null, Set.of("admin")),
                new Endpoint(HttpMethod.GET, "/api/connectors", null, Set.of("admin")),
                new Endpoint(HttpMethod.GET, "/api/connectors/crm", null, Set.of("admin")),
                new Endpoint(HttpMethod.POST, "/api/connectors/crm/test", null, Set.of("admin")),
                new Endpoint(HttpMethod.POST, "/api/profiles/search", adaRef, Set.of("admin", "compliance")),
                new Endpoint(HttpMethod.GET, "/api/profiles/" + ada, null, Set.of("admin", "compliance")),
                new Endpoint(HttpMethod.GET, "/api/profiles/" + ada + "/explain", null, Set.of("admin", "compliance")),
                new Endpoint(HttpMethod.POST, "/api/profiles/" + ada + "/reveal", Map.of("reason", "ticket 42"), Set.of("compliance")),
                new Endpoint(HttpMethod.GET, "/api/segments", null, Set.of("analyst", "admin")),
                new Endpoint(HttpMethod.GET, "/api/segments/buyers/members", null, Set.of("analyst", "admin")),
                new Endpoint(HttpMethod.GET, "/api/segments/kpis", null, Set.of("analyst", "admin")),
                new Endpoint(HttpMethod.GET, "/api/segments/clusters", null, Set.of("analyst", "admin")),
                new Endpoint(HttpMethod.GET, "/api/segments/buyers/history", null, Set.of("analyst", "admin")),
                new Endpoint(HttpMethod.GET, "/api/segments/buyers/history/" + runId + "/changes", null, Set.of("analyst", "admin")),
                new Endpoint(HttpMethod.POST, "/api/consent/events", Map.of("email", HubFixture.ADA_EMAIL, "purpose", "marketing_email",
                        "status", "granted", "occurredAt", "2026-11-01T00:00:00Z"), Set.of("compliance")),
                new Endpoint(HttpMethod.POST, "/api/consent/history", adaRef, Set.of("compliance")),
                new Endpoint(HttpMethod.GET, "/api/audit/verify", null, Set.of("compliance")),
                new Endpoint(HttpMethod.GET, "/api/audit/export", null, Set.of("compliance")),
                new Endpoint(HttpMethod.POST, "/api/audit/search", adaRef, Set.of("compliance")),
                new Endpoint(HttpMethod.POST, "/api/audit/checkpoints", null, Set.of("compliance")),
                new Endpoint(HttpMethod.POST, "/api/subjects/access", adaRef, Set.of("compliance")),
                new Endpoint(HttpMethod.GET, "/api/subjects/erasure/none/receipts", null, Set.of("compliance")),
                new Endpoint(HttpMethod.GET, "/actuator/prometheus", null, Set.of("admin")),
                new Endpoint(HttpMethod.GET, "/actuator/metrics", null, Set.of("admin")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withoutCredentialsIsUnauthorised(Endpoint e) {
        assertThat(call(e, new HttpHeaders()).getStatusCode().value()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void wrongRoleIsForbidden(Endpoint e) {
        for (String role : ROLES) {
            if (!e.allowed().contains(role)) {
                assertThat(call(e, basic(role)).getStatusCode().value()).as(role).isEqualTo(403);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void rightRoleIsServed(Endpoint e) {
        for (String role : e.allowed()) {
            assertThat(call(e, basic(role)).getStatusCode().is2xxSuccessful()).as(role + " " + e).isTrue();
        }
    }

    @Test
    void aWrongPasswordIsUnauthorised() {
        var headers = new HttpHeaders();
        headers.setBasicAuth("admin", "compliance-demo");
        assertThat(http.exchange("/api/runs", HttpMethod.GET, new HttpEntity<>(headers), String.class).getStatusCode().value()).isEqualTo(401);
    }

    @Test
    void jiandaoyunWebhooksNeedNoLoginButOnlyPostToAConnectorWithWebhooks() {
        var headers = new HttpHeaders();
        headers.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
        // past security (which would answer 401) to the controller: the quickstart's crm has no webhook
        assertThat(http.exchange("/api/webhooks/jiandaoyun/crm", HttpMethod.POST, new HttpEntity<>("{}", headers), String.class)
                .getStatusCode().value()).isEqualTo(404);
        assertThat(http.exchange("/api/webhooks/jiandaoyun/crm", HttpMethod.GET, new HttpEntity<>(headers), String.class)
                .getStatusCode().value()).isEqualTo(401);
    }

    @Test
    void startingARunNeedsTheAdminRole() {
        assertThat(call(new Endpoint(HttpMethod.POST, "/api/runs?sync=nightly", null, Set.of()), basic("analyst")).getStatusCode().value())
                .isEqualTo(403);
        assertThat(call(new Endpoint(HttpMethod.POST, "/api/runs?sync=nightly", null, Set.of()), new HttpHeaders()).getStatusCode().value())
                .isEqualTo(401);
    }

    @Test
    void revealIsAuditedWithWhoAskedAndWhy() {
        var revealed = call(new Endpoint(HttpMethod.POST, "/api/profiles/" + ada + "/reveal", Map.of("reason", "subject asked by phone"),
                Set.of()), basic("compliance"));
        assertThat(revealed.getBody()).contains(HubFixture.ADA_EMAIL);
        var masked = call(new Endpoint(HttpMethod.GET, "/api/profiles/" + ada, null, Set.of()), basic("admin"));
        assertThat(masked.getBody()).doesNotContain(HubFixture.ADA_EMAIL).doesNotContain("Lovelace").contains("a•••@•••.org");
        assertThat(store.sql("SELECT actor || ' ' || detail FROM audit_log WHERE action = 'PII_REVEAL' AND subject = :g ORDER BY id DESC")
                .param("g", ada).query(String.class).list().get(0))
                .startsWith("api:compliance ").endsWith("reason=subject asked by phone");
        var noReason = call(new Endpoint(HttpMethod.POST, "/api/profiles/" + ada + "/reveal", Map.of(), Set.of()), basic("compliance"));
        assertThat(noReason.getStatusCode().value()).isEqualTo(400);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMergeIsExplainedWithoutPersonalData() {
        // Ada: CRM contact C-1 and ERP customer K1 share her e-mail and her phone
        Map<?, ?> explained = http.withBasicAuth("admin", "admin-demo").getForObject("/api/profiles/" + ada + "/explain", Map.class);
        assertThat((List<Object>) explained.get("links")).contains(Map.of("from", "crm/C-1", "to", "erp/K1", "shared", "email"),
                Map.of("from", "crm/C-1", "to", "erp/K1", "shared", "phone"));
        assertThat((List<?>) explained.get("survivorship")).anySatisfy(a -> assertThat(((Map<?, ?>) a).get("attribute")).isEqualTo("email"));
        String text = explained.toString();
        for (String plaintext : HubFixture.PLAINTEXT) {
            assertThat(text).doesNotContain(plaintext);
        }
        assertThat(http.withBasicAuth("admin", "admin-demo").getForEntity("/api/profiles/nobody/explain", String.class)
                .getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void healthShowsItsComponentsToAdminsOnlyAndAnUnreachableSourceDoesNotTakeTheHubDown() throws Exception {
        Path web = root.resolve("sources/web.jsonl");
        Path away = root.resolve("web.jsonl.away");
        Files.move(web, away);
        try {
            var anonymous = http.getForEntity("/actuator/health", String.class);
            assertThat(anonymous.getStatusCode().value()).isEqualTo(200);
            assertThat(anonymous.getBody()).isEqualTo("{\"status\":\"UP\"}");
            var admin = http.withBasicAuth("admin", "admin-demo").getForEntity("/actuator/health", Map.class).getBody();
            assertThat(admin.get("status")).isEqualTo("UP");
            Map<?, ?> connectors = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) admin.get("components")).get("connectors")).get("components");
            assertThat(((Map<?, ?>) connectors.get("erp-customers")).get("status")).isEqualTo("UP");
            assertThat(((Map<?, ?>) connectors.get("newsletter")).get("status")).isEqualTo("UP");
            Map<?, ?> unreachable = (Map<?, ?>) connectors.get("web");
            assertThat(unreachable.get("status")).isEqualTo("UNREACHABLE");
            assertThat(unreachable.get("details").toString()).contains("path=FAILED").contains("does not exist");
            assertThat(((Map<?, ?>) admin.get("components")).containsKey("db")).isTrue();
        } finally {
            Files.move(away, web);
        }
    }

    @Test
    void prometheusCarriesTheRunFiguresWithoutPersonalData() {
        String scrape = http.withBasicAuth("admin", "admin-demo").getForObject("/actuator/prometheus", String.class);
        assertThat(scrape).contains("segmenthub_records_total{connector=\"crm\",outcome=\"pulled\"} 4.0",
                "segmenthub_quarantined_total{connector=\"crm\"", "segmenthub_pushes_total{destination=\"newsletter\",result=\"added\"} 2.0",
                "segmenthub_run_duration_seconds_count{outcome=\"succeeded\",sync=\"nightly\"} 1");
        for (String plaintext : HubFixture.PLAINTEXT) {
            assertThat(scrape).doesNotContain(plaintext);
        }
    }

    @Test
    void theOpenApiDescriptionListsTheApi() {
        var docs = http.getForEntity("/v3/api-docs", String.class);
        assertThat(docs.getStatusCode().value()).isEqualTo(200);
        assertThat(docs.getBody()).contains("/api/runs", "/api/connectors/{id}/test", "/api/profiles/{goldenId}/reveal",
                "/api/consent/history", "/api/subjects/erasure", "\"basic\"", "\"bearer\"");
        assertThat(http.getForEntity("/swagger-ui/index.html", String.class).getStatusCode().value()).isEqualTo(200);
    }

    @Nested
    class BearerTokens {

        @Test
        void aTokenFromTheIdentityProviderCarriesItsRoles() throws Exception {
            assertThat(call(get("/api/segments"), bearer(idpKey, List.of("analyst"), 300)).getStatusCode().value()).isEqualTo(200);
            assertThat(call(get("/api/audit/verify"), bearer(idpKey, List.of("analyst"), 300)).getStatusCode().value()).isEqualTo(403);
            assertThat(call(get("/api/audit/verify"), bearer(idpKey, List.of("compliance", "unknown-role"), 300)).getStatusCode().value())
                    .isEqualTo(200);
        }

        @Test
        void anExpiredOrForeignTokenIsUnauthorised() throws Exception {
            assertThat(call(get("/api/segments"), bearer(idpKey, List.of("analyst"), -300)).getStatusCode().value()).isEqualTo(401);
            assertThat(call(get("/api/segments"), bearer(otherKey, List.of("analyst"), 300)).getStatusCode().value()).isEqualTo(401);
        }

        private Endpoint get(String path) {
            return new Endpoint(HttpMethod.GET, path, null, Set.of());
        }
    }

    private ResponseEntity<String> call(Endpoint e, HttpHeaders headers) {
        if (e.body() != null) {
            headers.setContentType(MediaType.APPLICATION_JSON);
        }
        return http.exchange(e.path(), e.method(), new HttpEntity<>(e.body(), headers), String.class);
    }

    private static HttpHeaders basic(String user) {
        var headers = new HttpHeaders();
        headers.setBasicAuth(user, user + "-demo");
        return headers;
    }

    private static HttpHeaders bearer(KeyPair key, List<String> roles, long validSeconds) throws JOSEException {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder().subject("jane@idp.example").claim("roles", roles)
                .issueTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.plusSeconds(validSeconds))).build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
        var headers = new HttpHeaders();
        headers.setBearerAuth(jwt.serialize());
        return headers;
    }

    private static KeyPair rsa() throws NoSuchAlgorithmException {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
