package io.segmenthub.connector.http;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Inbound 简道云 deliveries; no login (the sender cannot have one), a valid signature instead. */
@RestController
public class JiandaoyunWebhookController {

    private final JiandaoyunWebhooks webhooks;

    public JiandaoyunWebhookController(JiandaoyunWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    @PostMapping("/api/webhooks/jiandaoyun/{connectorId}")
    public ResponseEntity<String> receive(@PathVariable String connectorId,
                                          @RequestParam(required = false) String nonce,
                                          @RequestParam(required = false) String timestamp,
                                          @RequestHeader(name = "X-JDY-Signature", required = false) String signature,
                                          @RequestHeader(name = "X-JDY-DeliverId", required = false) String deliveryId,
                                          @RequestBody byte[] payload) {
        return switch (webhooks.receive(connectorId, nonce, timestamp, signature, deliveryId, payload)) {
            case STORED, DUPLICATE -> ResponseEntity.ok("success"); // a duplicate is acknowledged so the sender stops retrying
            case BAD_SIGNATURE -> ResponseEntity.status(401).body("signature does not verify");
            case UNKNOWN_CONNECTOR -> ResponseEntity.status(404).body("no connector with webhooks by that id");
            case BAD_REQUEST -> ResponseEntity.badRequest().body("missing X-JDY-DeliverId or a body that is not JSON");
        };
    }
}
