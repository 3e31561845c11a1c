package io.segmenthub.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceHttpClient;
import org.apache.camel.component.salesforce.SalesforceLoginConfig;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.internal.PayloadFormat;
import org.apache.camel.component.salesforce.internal.SalesforceSession;
import org.apache.camel.component.salesforce.internal.client.DefaultRawClient;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One org's REST API, signed in through camel-salesforce's session: the OAuth flows (client
 * credentials, JWT bearer, refresh token), and the renewal of an expired session (HTTP 401
 * {@code INVALID_SESSION_ID}: log in again and replay the request) are Camel's. Calls go through
 * camel-salesforce's raw client, because the hub needs what the typed operations hide: the
 * response headers ({@code Sforce-Limit-Info}, Bulk 2.0's {@code Sforce-Locator}) and the per-row
 * results of SObject Collections with {@code allOrNone=false}. Every response's API usage is kept,
 * so a pull can stop before the org's daily allocation runs out.
 */
public final class SalesforceApi implements AutoCloseable {

    static final ObjectMapper JSON = JsonMapper.builder().build();

    /** A response: status, body text and headers. */
    public record Response(int status, String body, Map<String, String> headers) {
        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
        }

        public JsonNode json() {
            try {
                return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("Salesforce answered with a body that is not JSON", e);
            }
        }
    }

    private final String name;
    private final SalesforceSettings settings;
    private final SalesforceHttpClient http;
    private final SalesforceSession session;
    private final DefaultRawClient raw;
    private final long timeoutMillis;
    private final AtomicReference<ApiUsage> usage = new AtomicReference<>();

    public SalesforceApi(CamelContext camel, String name, SalesforceSettings settings) {
        this.name = name;
        this.settings = settings;
        this.timeoutMillis = settings.timeoutOrDefault().toMillis();
        SalesforceLoginConfig login = loginConfig(settings);
        try {
            http = new SalesforceHttpClient(camel, camel.getExecutorServiceManager().newCachedThreadPool(this, "salesforce-" + name),
                    new SslContextFactory.Client());
            http.setTimeout(timeoutMillis);
            http.setMaxRetries(1);
            http.setMaxContentLength(64 * 1024 * 1024); // a Bulk 2.0 result page is held whole
            session = new SalesforceSession(camel, http, timeoutMillis, login);
            http.setSession(session);
            raw = new DefaultRawClient(http, settings.apiVersionOrDefault(), session, login);
            http.start();
            session.start();
            raw.start();
        } catch (Exception e) {
            // camel-salesforce may sign in while starting: a refused sign-in is an auth failure, not a client failure
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SalesforceException sf) {
                    throw new SalesforceApiException("salesforce '" + name + "': sign-in (" + settings.auth().flow().name().toLowerCase(Locale.ROOT)
                            + ") at " + settings.loginUrlOrDefault() + " failed: " + describe(sf), sf.getStatusCode(), "LOGIN_FAILED", e);
                }
            }
            throw new SalesforceApiException("salesforce '" + name + "': cannot start the HTTP client: " + rootMessage(e), 0, null, e);
        }
    }

    static SalesforceLoginConfig loginConfig(SalesforceSettings s) {
        SalesforceSettings.Auth auth = s.auth();
        SalesforceLoginConfig login = new SalesforceLoginConfig();
        login.setLoginUrl(s.loginUrlOrDefault());
        if (s.instanceUrl() != null && !s.instanceUrl().isBlank()) {
            login.setInstanceUrl(s.instanceUrl());
        }
        login.setClientId(auth.clientId());
        login.setClientSecret(auth.clientSecret());
        login.setUserName(auth.username());
        login.setPassword(auth.password());
        login.setRefreshToken(auth.refreshToken());
        login.setLazyLogin(true); // the hub signs in when a run (or a connection test) first needs the org
        login.setType(switch (auth.flow()) {
            case CLIENT_CREDENTIALS -> AuthenticationType.CLIENT_CREDENTIALS;
            case JWT -> AuthenticationType.JWT;
            case REFRESH_TOKEN -> AuthenticationType.REFRESH_TOKEN;
            case USERNAME_PASSWORD -> AuthenticationType.USERNAME_PASSWORD;
        });
        if (auth.flow() == SalesforceSettings.Auth.Flow.JWT && PemKeyStoreParameters.isPem(auth.keystore())) {
            login.setKeystore(new PemKeyStoreParameters(java.nio.file.Path.of(auth.keystore()), auth.keystorePassword()));
        } else if (auth.flow() == SalesforceSettings.Auth.Flow.JWT) {
            KeyStoreParameters keystore = new KeyStoreParameters();
            keystore.setResource("file:" + auth.keystore());
            keystore.setPassword(auth.keystorePassword());
            keystore.setType(auth.keystore().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
            login.setKeystore(keystore);
        }
        return login;
    }

    public String name() {
        return name;
    }

    public SalesforceSettings settings() {
        return settings;
    }

    /** {@code /services/data/vNN.0} */
    public String dataPath() {
        return "/services/data/v" + settings.apiVersionOrDefault();
    }

    /** Signs in unless a session is open; the instance URL is known afterwards. */
    public synchronized void login() {
        if (session.getAccessToken() != null) {
            return;
        }
        try {
            session.login(null);
        } catch (SalesforceException e) {
            throw new SalesforceApiException("salesforce '" + name + "': sign-in (" + settings.auth().flow().name().toLowerCase(Locale.ROOT)
                    + ") at " + settings.loginUrlOrDefault() + " failed: " + describe(e), e.getStatusCode(), "LOGIN_FAILED", e);
        } catch (RuntimeException e) {
            throw new SalesforceApiException("salesforce '" + name + "': sign-in at " + settings.loginUrlOrDefault() + " failed: "
                    + rootMessage(e), 0, "LOGIN_FAILED", e);
        }
    }

    public String instanceUrl() {
        login();
        return session.getInstanceUrl();
    }

    /** Forgets the usage reported so far: a new run judges by what the org says today, not by yesterday's last answer. */
    public void forgetUsage() {
        usage.set(null);
    }

    /** The API usage the org reported last; empty until a response carried it. */
    public Optional<ApiUsage> usage() {
        return Optional.ofNullable(usage.get());
    }

    public JsonNode get(String path) {
        return send("GET", path, null).json();
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body).json();
    }

    public JsonNode patch(String path, Object body) {
        return send("PATCH", path, body).json();
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null).json();
    }

    /** One call; a non-2xx answer is a {@link SalesforceApiException} with Salesforce's error code. */
    public Response send(String method, String path, Object body) {
        return send(method, path, body, Map.of());
    }

    public Response send(String method, String path, Object body, Map<String, List<String>> headers) {
        login();
        InputStream content = null;
        if (body != null) {
            try {
                content = new ByteArrayInputStream(body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        raw.makeRequest(method, path, PayloadFormat.JSON, content, headers, (in, responseHeaders, failure) -> {
            try {
                String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Map<String, String> h = responseHeaders == null ? Map.of() : responseHeaders;
                noteUsage(h); // before completing: the caller checks the usage as soon as it has the answer
                if (failure != null) {
                    answer.completeExceptionally(failure);
                } else {
                    answer.complete(new Response(200, text, h));
                }
            } catch (IOException | RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        try {
            return answer.get(timeoutMillis + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SalesforceApiException("salesforce '" + name + "': " + method + " " + shortPath(path) + " interrupted", 0, null, e);
        } catch (TimeoutException e) {
            throw new SalesforceApiException("salesforce '" + name + "': " + method + " " + shortPath(path) + " timed out", 0, null, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SalesforceException sf) {
                String code = errorCode(sf.getMessage());
                throw new SalesforceApiException("salesforce '" + name + "': " + method + " " + shortPath(path) + " answered "
                        + sf.getStatusCode() + " " + describe(sf), sf.getStatusCode(), code, sf);
            }
            throw new SalesforceApiException("salesforce '" + name + "': " + method + " " + shortPath(path) + " failed: "
                    + rootMessage(cause), 0, null, cause);
        }
    }

    private void noteUsage(Map<String, String> headers) {
        headers.forEach((k, v) -> {
            if (k.equalsIgnoreCase("Sforce-Limit-Info")) {
                ApiUsage.parse(v).ifPresent(usage::set);
            }
        });
    }

    /** Salesforce errors are a JSON list of {message, errorCode}; the raw client hands over the body as the message. */
    static String errorCode(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            if (node != null && node.isArray() && !node.isEmpty()) {
                return node.get(0).path("errorCode").asText("");
            }
            if (node != null && node.isObject()) {
                return node.path("error").asText(node.path("errorCode").asText(""));
            }
        } catch (IOException e) {
            // not JSON: no error code to read
        }
        return "";
    }

    /** errorCode and message of a Salesforce error; these name objects, fields and limits, not record values. */
    static String describe(SalesforceException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        try {
            JsonNode node = JSON.readTree(text);
            if (node != null && node.isArray() && !node.isEmpty()) {
                return node.get(0).path("errorCode").asText() + ": " + node.get(0).path("message").asText();
            }
            if (node != null && node.isObject() && node.has("error")) {
                return node.path("error").asText() + ": " + node.path("error_description").asText();
            }
        } catch (IOException ignored) {
            // a plain-text message: used as it is
        }
        if (e.getErrors() != null && !e.getErrors().isEmpty()) {
            return e.getErrors().get(0).getErrorCode() + ": " + e.getErrors().get(0).getMessage();
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** A path without its query string (a SOQL query can carry a literal from the config, not worth repeating). */
    private static String shortPath(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    @Override
    public void close() {
        try {
            raw.stop();
            session.stop();
            http.stop();
        } catch (Exception e) {
            // closing at shutdown: nothing left to do with the failure
            org.slf4j.LoggerFactory.getLogger(SalesforceApi.class).warn("salesforce '{}': closing the HTTP client failed: {}", name, e.getMessage());
        }
    }
}
