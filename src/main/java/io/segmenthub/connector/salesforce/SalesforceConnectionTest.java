package io.segmenthub.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenthub.connector.ConnectionTest.Step;
import io.segmenthub.connector.ConnectorConfig;
import org.apache.camel.CamelContext;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code connector test} for Salesforce, step by step: {@code dns} (the login host resolves),
 * {@code tls} (a TLS handshake with it; a plain-http test server is only connected to),
 * {@code auth} (the configured OAuth flow signs in), {@code permission} (the user may call the REST
 * API: lists the org's objects) and {@code schema} (describes the object; every field the
 * connector reads, or the destination writes, exists). A fresh session is used, so the test checks
 * the credentials as they are now.
 */
public final class SalesforceConnectionTest {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private SalesforceConnectionTest() {
    }

    public static void run(CamelContext camel, ConnectorConfig connector, Optional<String> writtenField, List<Step> steps) {
        SalesforceSettings settings = connector.salesforce();
        URI login = URI.create(settings.loginUrlOrDefault());
        String host = login.getHost();
        boolean https = "https".equalsIgnoreCase(login.getScheme());
        int port = login.getPort() > 0 ? login.getPort() : https ? 443 : 80;
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            steps.add(new Step("dns", true, host + " is " + addresses[0].getHostAddress()));
        } catch (UnknownHostException e) {
            steps.add(new Step("dns", false, "cannot resolve " + host + " (check login-url)"));
            return;
        }
        if (!tls(host, port, https, steps)) {
            return;
        }
        SalesforceApi signedIn;
        try {
            signedIn = new SalesforceApi(camel, connector.id() + "-test", settings);
            try {
                signedIn.login();
            } catch (SalesforceApiException e) {
                signedIn.close();
                throw e;
            }
            steps.add(new Step("auth", true, "signed in (" + settings.auth().flow().name().toLowerCase(Locale.ROOT) + "), instance "
                    + signedIn.instanceUrl()));
        } catch (SalesforceApiException e) {
            steps.add(new Step("auth", false, e.getMessage()));
            return;
        }
        try (SalesforceApi api = signedIn) {
            JsonNode objects;
            try {
                objects = api.get(api.dataPath() + "/sobjects/");
                steps.add(new Step("permission", true, "the REST API answers (" + objects.path("sobjects").size() + " objects visible)"
                        + api.usage().map(u -> "; API usage today " + u).orElse("")));
            } catch (SalesforceApiException e) {
                steps.add(new Step("permission", false, e.getMessage()));
                return;
            }
            String object = SalesforceSource.objectOf(settings);
            Set<String> wanted = new HashSet<>(Soql.fields(settings, connector.mapping()));
            writtenField.ifPresent(wanted::add);
            try {
                JsonNode describe = api.get(api.dataPath() + "/sobjects/" + object + "/describe");
                Set<String> fields = new HashSet<>();
                Set<String> relationships = new HashSet<>();
                for (JsonNode f : describe.path("fields")) {
                    fields.add(f.path("name").asText().toLowerCase(Locale.ROOT));
                    if (f.hasNonNull("relationshipName")) {
                        relationships.add(f.path("relationshipName").asText().toLowerCase(Locale.ROOT));
                    }
                }
                List<String> missing = wanted.stream().filter(f -> f.contains(".")
                        ? !relationships.contains(f.substring(0, f.indexOf('.')).toLowerCase(Locale.ROOT))
                        : !fields.contains(f.toLowerCase(Locale.ROOT))).sorted().toList();
                boolean queryable = describe.path("queryable").asBoolean(true);
                steps.add(new Step("schema", missing.isEmpty() && queryable, !queryable ? object + " is not queryable for this user"
                        : missing.isEmpty() ? object + " has every field used (" + wanted.size() + ")"
                        : object + " lacks the fields " + missing + " (or this user cannot see them)"));
            } catch (SalesforceApiException e) {
                steps.add(new Step("schema", false, e.status() == 404 || "NOT_FOUND".equals(e.errorCode())
                        ? "no object " + object + " in this org (or not visible to this user)" : e.getMessage()));
            }
        }
    }

    private static boolean tls(String host, int port, boolean https, List<Step> steps) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            if (!https) {
                steps.add(new Step("tls", true, "plain http to " + host + ":" + port + " (no TLS: test servers only)"));
                return true;
            }
            try (SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, host, port, true)) {
                ssl.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
                ssl.startHandshake();
                steps.add(new Step("tls", true, ssl.getSession().getProtocol() + " with " + host + ":" + port));
                return true;
            }
        } catch (IOException e) {
            steps.add(new Step("tls", false, "cannot reach " + host + ":" + port + " over " + (https ? "TLS" : "http") + ": " + e.getMessage()));
            return false;
        }
    }
}
