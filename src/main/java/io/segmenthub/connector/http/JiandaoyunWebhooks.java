package io.segmenthub.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.ConnectorType;
import io.segmenthub.system.HubConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * 简道云 data push: verifies {@code X-JDY-Signature} = hex(SHA-1("nonce:payload:secret:timestamp")),
 * keeps each delivery once (by {@code X-JDY-DeliverId}) and queues it, sealed, for the connector's
 * next run. The signature is compared in constant time; nothing of the payload is logged.
 */
@Component
public class JiandaoyunWebhooks {

    static final Set<String> CHANGES = Set.of("data_create", "data_update", "data_recover");
    private static final Logger log = LoggerFactory.getLogger(JiandaoyunWebhooks.class);

    public enum Outcome { STORED, DUPLICATE, BAD_SIGNATURE, UNKNOWN_CONNECTOR, BAD_REQUEST }

    private final HubConfig config;
    private final HttpStateStore state;
    private final ObjectMapper json;

    public JiandaoyunWebhooks(HubConfig config, HttpStateStore state, ObjectMapper json) {
        this.config = config;
        this.state = state;
        this.json = json;
    }

    public Outcome receive(String connectorId, String nonce, String timestamp, String signature, String deliveryId, byte[] payload) {
        Optional<ConnectorConfig> connector = config.connectors().stream()
                .filter(c -> c.id().equals(connectorId) && c.type() == ConnectorType.HTTP && c.http().webhook() != null).findFirst();
        if (connector.isEmpty()) {
            return Outcome.UNKNOWN_CONNECTOR;
        }
        if (nonce == null || timestamp == null || signature == null) {
            return Outcome.BAD_SIGNATURE;
        }
        String secret = connector.get().http().webhook().secret();
        String expected = signature(nonce, new String(payload, StandardCharsets.UTF_8), secret, timestamp);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.strip().toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
            log.warn("connector={} webhook delivery refused: signature does not verify", connectorId);
            return Outcome.BAD_SIGNATURE;
        }
        if (deliveryId == null || deliveryId.isBlank() || deliveryId.length() > 200) {
            return Outcome.BAD_REQUEST;
        }
        String operation;
        try {
            JsonNode body = json.readTree(payload);
            operation = body.path("op").asText("");
        } catch (java.io.IOException e) {
            return Outcome.BAD_REQUEST;
        }
        boolean stored = state.receive(connectorId, deliveryId, operation.isEmpty() ? "unknown" : operation, payload);
        log.info("connector={} webhook delivery {} op={} {}", connectorId, deliveryId, operation, stored ? "queued" : "already received");
        return stored ? Outcome.STORED : Outcome.DUPLICATE;
    }

    /** sha1("nonce:payload:secret:timestamp") in lower-case hex, as 简道云 documents. */
    static String signature(String nonce, String payload, String secret, String timestamp) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((nonce + ":" + payload + ":" + secret + ":" + timestamp).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
