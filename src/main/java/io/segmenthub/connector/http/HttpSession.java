package io.segmenthub.connector.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.segmenthub.connector.ConnectorException;
import io.segmenthub.connector.http.HttpCallException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One connector's conversation with its API during a pull or a push: logs in when needed (and
 * again when the token expires mid-run), injects and signs every request, spaces requests by the
 * rate limit, and retries what is worth retrying with exponential back-off, honouring
 * {@code Retry-After} (RFC 9110 §10.2.3) up to a configured cap. A request that still fails becomes
 * an {@link HttpCallException} saying what kind of failure it was.
 */
final class HttpSession {

    private static final Logger log = LoggerFactory.getLogger(HttpSession.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where a rotated refresh token is kept between runs, under {@link #tokenKey}. */
    interface TokenStore {
        Optional<String> refreshToken(String tokenKey);

        void saveRefreshToken(String tokenKey, String token);
    }

    /**
     * The store key of a rotating refresh token: derived from the configured first token, so every
     * connector and destination configured with it shares the one live successor.
     */
    static String tokenKey(HttpAuth auth, String ownerId) {
        if (auth.refreshToken() == null) {
            return ownerId.length() <= 64 ? ownerId : ownerId.substring(0, 64);
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(auth.refreshToken().getBytes(StandardCharsets.UTF_8));
            return "rt-" + HexFormat.of().formatHex(digest).substring(0, 40);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final String label;
    private final String ownerId;
    private final String baseUrl;
    private final HttpAuth auth;
    private final HttpSettings.Errors errors;
    private final Duration timeout;
    private final RateLimiter limiter;
    private final HttpClient client;
    private final ObjectMapper json;
    private final Template template;
    private final TokenStore tokens;
    private final Clock clock;

    private final Map<String, Object> authVars = new HashMap<>();
    private Instant expiresAt;
    private boolean loggedIn;
    private int requests;
    private int retries;

    HttpSession(String label, String ownerId, String baseUrl, HttpAuth auth, HttpSettings.Errors errors, int timeoutSeconds,
                RateLimiter limiter, HttpClient client, ObjectMapper json, TokenStore tokens, Clock clock) {
        this.label = label;
        this.ownerId = ownerId;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.auth = auth;
        this.errors = errors;
        this.timeout = Duration.ofSeconds(timeoutSeconds);
        this.limiter = limiter;
        this.client = client;
        this.json = json;
        this.template = new Template(json);
        this.tokens = tokens;
        this.clock = clock;
    }

    static HttpClient newClient(int timeoutSeconds) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    int requests() {
        return requests;
    }

    int retries() {
        return retries;
    }

    Template template() {
        return template;
    }

    /** Sends the templated request (after logging in if needed) and returns its JSON body. */
    JsonNode send(HttpSettings.Request request, Map<String, Object> vars) {
        ensureLoggedIn();
        return exchange(request, vars, false);
    }

    /** Follows a next-page URL as given by the API (same method GET, same auth). */
    JsonNode follow(String url) {
        ensureLoggedIn();
        return exchange(new HttpSettings.Request("GET", url, null, null, null, null), Map.of(), false);
    }

    /** Logs in now (the connection test's {@code auth} step); a session without login does nothing. */
    void login() {
        if (!auth.logsIn()) {
            loggedIn = true;
            return;
        }
        Map<String, Object> vars = new HashMap<>();
        String tokenKey = tokenKey(auth, ownerId);
        vars.put("auth.refresh_token", tokens.refreshToken(tokenKey).orElse(auth.refreshToken()));
        JsonNode body = exchange(auth.login(), vars, true);
        Map<String, Object> values = new HashMap<>();
        auth.extract().forEach((name, pointer) -> {
            JsonNode value = body.at(pointer);
            if (value.isMissingNode() || value.isNull()) {
                throw new HttpCallException(Kind.AUTH, 200, label + ": the login response has no " + pointer + " (auth.extract." + name + ")");
            }
            values.put("auth." + name, value.isValueNode() ? value.asText() : value);
        });
        if (auth.refreshTokenPath() != null) {
            JsonNode rotated = body.at(auth.refreshTokenPath());
            if (!rotated.isMissingNode() && !rotated.asText().isBlank()) {
                // the old refresh token is spent once a new one is issued: keep the new one before anything else can fail
                tokens.saveRefreshToken(tokenKey, rotated.asText());
            }
        }
        authVars.clear();
        authVars.putAll(values);
        expiresAt = null;
        if (auth.expiresIn() != null && body.at(auth.expiresIn()).canConvertToLong()) {
            long seconds = body.at(auth.expiresIn()).asLong();
            expiresAt = clock.instant().plusSeconds(Math.max(0, seconds - Math.min(60, seconds / 10)));
        }
        loggedIn = true;
        log.debug("{} logged in", label);
    }

    private void ensureLoggedIn() {
        if (!loggedIn || expiresAt != null && !clock.instant().isBefore(expiresAt)) {
            login();
        }
    }

    private JsonNode exchange(HttpSettings.Request request, Map<String, Object> callerVars, boolean isLogin) {
        int attempt = 0;
        boolean reauthenticated = false;
        while (true) {
            if (limiter != null) {
                limiter.acquire();
            }
            Map<String, Object> vars = new HashMap<>(callerVars);
            vars.putAll(authVars);
            vars.put("timestamp", String.valueOf(clock.millis()));
            vars.put("nonce", HexFormat.of().formatHex(randomBytes()));
            HttpRequest prepared = prepare(request, vars, isLogin);
            String where = label + ": " + prepared.method() + " " + prepared.uri().getPath();
            requests++;
            HttpResponse<String> response;
            try {
                response = client.send(prepared, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpTimeoutException e) {
                attempt = retryOrFail(attempt, Kind.TIMEOUT, 0, where + " timed out after " + timeout.toSeconds() + " s", e, Optional.empty());
                continue;
            } catch (SSLException e) {
                throw new HttpCallException(Kind.TLS, 0, where + ": TLS handshake failed: " + e.getMessage(), e);
            } catch (ConnectException e) {
                Kind kind = causedBy(e, UnknownHostException.class) ? Kind.DNS : Kind.CONNECT;
                attempt = retryOrFail(attempt, kind, 0, where + ": cannot connect (" + kind.name().toLowerCase() + "): " + e, e, Optional.empty());
                continue;
            } catch (IOException e) {
                Kind kind = causedBy(e, UnknownHostException.class) ? Kind.DNS : Kind.CONNECT;
                attempt = retryOrFail(attempt, kind, 0, where + ": connection failed: " + e, e, Optional.empty());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectorException(where + ": interrupted", e);
            }
            int status = response.statusCode();
            Optional<JsonNode> body = parse(response.body());
            Optional<String> code = body.flatMap(this::errorCode);
            String codeText = code.map(c -> ", error code " + c).orElse("");
            if (!isLogin && (status == 401 || code.filter(errors.authCodes()::contains).isPresent())) {
                if (reauthenticated || !auth.logsIn()) {
                    throw new HttpCallException(Kind.AUTH, status, where + " was refused: HTTP " + status + codeText + " (check the credentials)");
                }
                log.info("{}: token refused (HTTP {}{}); logging in again", label, status, codeText);
                login();
                reauthenticated = true;
                continue;
            }
            if (errors.throttleStatuses().contains(status) || code.filter(errors.throttleCodes()::contains).isPresent()) {
                attempt = retryOrFail(attempt, Kind.THROTTLED, status, where + " was throttled: HTTP " + status + codeText, null,
                        response.headers().firstValue("Retry-After"));
                continue;
            }
            if (errors.retryStatuses().contains(status)) {
                attempt = retryOrFail(attempt, Kind.SERVER, status, where + " failed: HTTP " + status + codeText, null,
                        response.headers().firstValue("Retry-After"));
                continue;
            }
            if (status >= 200 && status < 300) {
                if (body.isEmpty()) {
                    if (response.body().isBlank()) {
                        return json.createObjectNode();
                    }
                    throw new HttpCallException(Kind.REJECTED, status, where + " answered HTTP " + status + " with a body that is not JSON");
                }
                // with no success values listed, an error code's mere presence is the error (简道云, {error: {code}} APIs)
                if (code.isPresent() && !errors.success().contains(code.get())) {
                    throw new HttpCallException(isLogin ? Kind.AUTH : Kind.REJECTED, status, where + " answered HTTP " + status
                            + " with an error inside the body" + codeText);
                }
                return body.get();
            }
            Kind kind = isLogin && status < 500 ? Kind.AUTH : status == 403 ? Kind.PERMISSION : status == 404 ? Kind.NOT_FOUND : Kind.REJECTED;
            throw new HttpCallException(kind, status, where + " failed: HTTP " + status + codeText);
        }
    }

    /** Waits before the next attempt, or throws when the attempts are used up. */
    private int retryOrFail(int attempt, Kind kind, int status, String message, Throwable cause, Optional<String> retryAfter) {
        if (attempt >= errors.maxRetriesOrDefault()) {
            throw new HttpCallException(kind, status, message + " (gave up after " + (attempt + 1) + " attempts)", cause);
        }
        long cap = errors.maxBackoffMillisOrDefault();
        long backoff = Math.min(cap, errors.backoffMillisOrDefault() << Math.min(attempt, 20));
        long wait = retryAfter.flatMap(this::retryAfterMillis).map(ms -> Math.min(cap, ms)).orElse(backoff);
        log.warn("{}; retry {} of {} in {} ms", message, attempt + 1, errors.maxRetriesOrDefault(), wait);
        retries++;
        sleep(wait, 0);
        return attempt + 1;
    }

    private Optional<Long> retryAfterMillis(String value) {
        try {
            return Optional.of(Long.parseLong(value.strip()) * 1000);
        } catch (NumberFormatException e) {
            try {
                return Optional.of(Math.max(0, Duration.between(clock.instant(),
                        ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()).toMillis()));
            } catch (java.time.format.DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    private Optional<String> errorCode(JsonNode body) {
        if (errors.code() == null) {
            return Optional.empty();
        }
        JsonNode code = body.at(errors.code());
        return code.isMissingNode() || code.isNull() ? Optional.empty() : Optional.of(code.asText());
    }

    private Optional<JsonNode> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private HttpRequest prepare(HttpSettings.Request request, Map<String, Object> vars, boolean isLogin) {
        HttpAuth.Inject inject = isLogin ? new HttpAuth.Inject(null, null, null) : auth.injectOrNone();
        HttpAuth.Signature sign = isLogin ? auth.loginSign() : auth.sign();
        if (sign != null && !sign.stringToSign().matches("(?s).*\\{\\{\\s*(method|path|path_encoded|query)\\s*}}.*")) {
            // a signature over fixed values (金蝶's app_signature) may itself go into the query
            vars.put("signature", sign(sign, template.text(sign.stringToSign(), vars)));
        }
        String path = template.text(request.path(), vars);
        Map<String, String> query = new TreeMap<>();
        request.query().forEach((k, v) -> query.put(k, template.text(v, vars)));
        inject.query().forEach((k, v) -> query.put(k, template.text(v, vars)));
        String queryString = query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        String url = path.startsWith("http://") || path.startsWith("https://") ? path : baseUrl + (path.startsWith("/") ? "" : "/") + path;
        if (!queryString.isEmpty()) {
            url += (url.contains("?") ? "&" : "?") + queryString;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new HttpCallException(Kind.REJECTED, 0, label + ": '" + path + "' does not make a valid URL", e);
        }
        String method = request.methodOrDefault();
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
        if (request.body() != null) {
            JsonNode body = template.json(request.body(), vars);
            if (body instanceof ObjectNode object) {
                inject.body().forEach((k, v) -> object.set(k, template.json(TextNode.valueOf(v), vars)));
            }
            publisher = HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
            builder.header("Content-Type", "application/json");
        } else if (!request.form().isEmpty()) {
            String form = new TreeMap<>(request.form()).entrySet().stream()
                    .map(e -> encode(e.getKey()) + "=" + encode(template.text(e.getValue(), vars))).collect(Collectors.joining("&"));
            publisher = HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8);
            builder.header("Content-Type", "application/x-www-form-urlencoded");
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.headers().forEach((k, v) -> headers.put(k, template.text(v, vars)));
        inject.headers().forEach((k, v) -> headers.put(k, template.text(v, vars)));
        if (sign != null && !vars.containsKey("signature")) {
            vars.put("method", method);
            vars.put("path", uri.getRawPath());
            vars.put("path_encoded", encode(uri.getPath()));
            vars.put("query", queryString);
            vars.put("signature", sign(sign, template.text(sign.stringToSign(), vars)));
        }
        if (sign != null) {
            sign.headers().forEach((k, v) -> headers.put(k, template.text(v, vars)));
        }
        headers.forEach(builder::header);
        return builder.method(method, publisher).build();
    }

    /** Signs the request as the vendor documents it; the key never leaves this method. */
    private String sign(HttpAuth.Signature sign, String message) {
        try {
            Mac mac = Mac.getInstance(sign.algorithmOrDefault());
            mac.init(new SecretKeySpec(sign.secret().getBytes(StandardCharsets.UTF_8), sign.algorithmOrDefault()));
            byte[] digest = mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
            return switch (sign.encodingOrDefault()) {
                case "hex" -> HexFormat.of().formatHex(digest);
                case "base64-hex" -> Base64.getEncoder().encodeToString(HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII));
                default -> Base64.getEncoder().encodeToString(digest);
            };
        } catch (GeneralSecurityException e) {
            throw new ConnectorException(label + ": cannot sign with " + sign.algorithmOrDefault() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static void sleep(long millis, int nanos) {
        try {
            Thread.sleep(millis, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException("interrupted while waiting to retry", e);
        }
    }
}
