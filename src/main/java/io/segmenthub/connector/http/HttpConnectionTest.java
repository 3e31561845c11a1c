package io.segmenthub.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenthub.connector.ConnectionTest.Step;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.connector.Watermarks;
import org.springframework.stereotype.Component;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The connection test of an http connector or destination, step by step: {@code dns} (the base
 * URL's host resolves), {@code tls} (the handshake, for https), {@code connect} (the port
 * answers), {@code auth} (the login, or the first request, is accepted), {@code permission} (the
 * list request is allowed) and {@code schema} (the record selector finds records, with the mapped
 * fields). A destination stops after {@code auth}: testing a write would change data. Nothing is kept.
 */
@Component
public class HttpConnectionTest {

    private static final int TIMEOUT_MILLIS = 10_000;

    private final HttpSource source;
    private final HttpDestination destination;
    private final Watermarks watermarks;

    public HttpConnectionTest(HttpSource source, HttpDestination destination, Watermarks watermarks) {
        this.source = source;
        this.destination = destination;
        this.watermarks = watermarks;
    }

    public List<Step> test(ConnectorConfig connector) {
        List<Step> steps = new ArrayList<>();
        HttpSettings http = connector.http();
        if (!network(http.baseUrl(), steps)) {
            return steps;
        }
        HttpSession session = source.session(connector);
        if (!auth(session, http.authOrNone(), steps)) {
            return steps;
        }
        JsonNode page;
        try {
            page = session.send(http.request(), source.firstPageVars(http, watermarks.get(connector.id())));
        } catch (HttpCallException e) {
            String step = switch (e.kind()) {
                case AUTH -> "auth";
                case PERMISSION -> "permission";
                case NOT_FOUND, REJECTED -> "schema"; // the API does not know the object or request it was asked for
                default -> "connect";
            };
            if (!step.equals("auth")) {
                steps.add(new Step("auth", true, "the credentials are accepted"));
            }
            if (step.equals("schema")) {
                steps.add(new Step("permission", true, "the request is allowed"));
            }
            steps.add(new Step(step, false, e.getMessage()));
            return steps;
        }
        if (!http.authOrNone().logsIn()) {
            steps.add(new Step("auth", true, "the credentials are accepted"));
        }
        steps.add(new Step("permission", true, "the list request is allowed"));
        JsonNode records = page.at(http.records());
        if (!records.isArray()) {
            steps.add(new Step("schema", false, "no array of records at " + http.records() + " in the response"));
            return steps;
        }
        if (records.isEmpty()) {
            steps.add(new Step("schema", true, "the record selector finds an empty list (nothing to check fields against)"));
            return steps;
        }
        JsonNode first = records.get(0);
        List<String> missing = io.segmenthub.connector.ConnectionTest.mappedFields(connector.mapping()).stream()
                .filter(f -> first.at("/" + f.replace(".", "/")).isMissingNode()).sorted().toList();
        steps.add(new Step("schema", missing.isEmpty(), missing.isEmpty()
                ? "the first record holds every mapped field (" + records.size() + " records on the first page)"
                : "the first record lacks the mapped fields " + missing));
        return steps;
    }

    public List<Step> test(DestinationConfig d) {
        List<Step> steps = new ArrayList<>();
        if (network(d.http().baseUrl(), steps)) {
            auth(destination.session(d), d.http().authOrNone(), steps);
        }
        return steps;
    }

    private static boolean auth(HttpSession session, HttpAuth auth, List<Step> steps) {
        if (!auth.logsIn()) {
            return true; // a static key is only proved by the first request
        }
        try {
            session.login();
            steps.add(new Step("auth", true, "logged in"));
            return true;
        } catch (HttpCallException e) {
            steps.add(new Step(e.kind() == HttpCallException.Kind.AUTH ? "auth" : "connect", false, e.getMessage()));
            return false;
        }
    }

    private static boolean network(String baseUrl, List<Step> steps) {
        URI uri = URI.create(baseUrl);
        String host = uri.getHost();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
            steps.add(new Step("dns", true, host + " resolves"));
        } catch (UnknownHostException | RuntimeException e) {
            steps.add(new Step("dns", false, "the host '" + host + "' of base-url does not resolve"));
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), TIMEOUT_MILLIS);
            steps.add(new Step("connect", true, host + ":" + port + " accepts connections"));
        } catch (IOException e) {
            steps.add(new Step("connect", false, host + ":" + port + " does not accept connections: " + e.getMessage()));
            return false;
        }
        if (!https) {
            steps.add(new Step("tls", true, "plain http (no TLS): use https outside tests"));
            return true;
        }
        try (SSLSocket socket = (SSLSocket) SSLSocketFactory.getDefault().createSocket(host, port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.startHandshake();
            steps.add(new Step("tls", true, socket.getSession().getProtocol()));
            return true;
        } catch (IOException e) {
            steps.add(new Step("tls", false, "TLS handshake with " + host + " failed: " + e.getMessage()));
            return false;
        }
    }
}
