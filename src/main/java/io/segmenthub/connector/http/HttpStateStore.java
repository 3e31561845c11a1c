package io.segmenthub.connector.http;

import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.system.Timestamps;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What HTTP connectors keep in the hub's store: rotated refresh tokens (sealed), record hashes for
 * full pulls with hash diff, and the inbox of webhook deliveries (sealed, de-duplicated).
 */
@Repository
public class HttpStateStore implements HttpSession.TokenStore {

    /** A webhook delivery waiting for the next run. */
    public record Delivery(String deliveryId, String operation, byte[] payload) {
    }

    private final JdbcClient jdbc;
    private final PersonalDataVault vault;
    private final Clock clock;

    public HttpStateStore(JdbcClient jdbc, PersonalDataVault vault, Clock clock) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.clock = clock;
    }

    @Override
    public Optional<String> refreshToken(String tokenKey) {
        return jdbc.sql("SELECT data_key_id, sealed FROM http_auth_token WHERE token_key = :id").param("id", tokenKey)
                .query((rs, n) -> vault.open(rs.getLong(1), rs.getBytes(2), aadToken(tokenKey)))
                .optional().flatMap(o -> o).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public void saveRefreshToken(String tokenKey, String token) {
        var sealed = vault.sealNew(token.getBytes(StandardCharsets.UTF_8), aadToken(tokenKey));
        Optional<Long> old = jdbc.sql("SELECT data_key_id FROM http_auth_token WHERE token_key = :id").param("id", tokenKey)
                .query(Long.class).optional();
        jdbc.sql("DELETE FROM http_auth_token WHERE token_key = :id").param("id", tokenKey).update();
        jdbc.sql("INSERT INTO http_auth_token (token_key, data_key_id, sealed, updated_at) VALUES (:id, :key, :sealed, :at)")
                .param("id", tokenKey).param("key", sealed.dataKeyId()).param("sealed", sealed.ciphertext())
                .param("at", Timestamps.utc(clock.instant())).update();
        old.ifPresent(vault::shred);
    }

    public Map<String, String> hashes(String connectorId) {
        Map<String, String> hashes = new HashMap<>();
        jdbc.sql("SELECT record_id, content_hash FROM http_record_hash WHERE connector_id = :id").param("id", connectorId)
                .query(rs -> {
                    hashes.put(rs.getString(1), rs.getString(2));
                });
        return hashes;
    }

    public void saveHashes(String connectorId, Map<String, String> changed, String runId) {
        if (changed.isEmpty()) {
            return;
        }
        var ids = List.copyOf(changed.keySet());
        for (int from = 0; from < ids.size(); from += 500) {
            var slice = ids.subList(from, Math.min(ids.size(), from + 500));
            jdbc.sql("DELETE FROM http_record_hash WHERE connector_id = :c AND record_id IN (:ids)").param("c", connectorId)
                    .param("ids", slice).update();
        }
        changed.forEach((id, hash) -> jdbc.sql("INSERT INTO http_record_hash (connector_id, record_id, content_hash, run_id) VALUES (:c, :r, :h, :run)")
                .param("c", connectorId).param("r", id).param("h", hash).param("run", runId).update());
    }

    /** Stores a delivery unless one with the same id was stored before; false for a duplicate. */
    public boolean receive(String connectorId, String deliveryId, String operation, byte[] payload) {
        if (jdbc.sql("SELECT COUNT(*) FROM webhook_delivery WHERE connector_id = :c AND delivery_id = :d")
                .param("c", connectorId).param("d", deliveryId).query(Integer.class).single() > 0) {
            return false;
        }
        var sealed = vault.sealNew(payload, aadDelivery(connectorId, deliveryId));
        try {
            jdbc.sql("""
                            INSERT INTO webhook_delivery (connector_id, delivery_id, operation, received_at, data_key_id, payload)
                            VALUES (:c, :d, :op, :at, :key, :payload)""")
                    .param("c", connectorId).param("d", deliveryId).param("op", operation).param("at", Timestamps.utc(clock.instant()))
                    .param("key", sealed.dataKeyId()).param("payload", sealed.ciphertext()).update();
            return true;
        } catch (DuplicateKeyException e) {
            vault.shred(sealed.dataKeyId()); // the same delivery arrived twice at once; the other one won
            return false;
        }
    }

    /** Deliveries not yet stored by a successful run, oldest first; a delivery whose key was shredded is skipped. */
    public List<Delivery> pending(String connectorId) {
        return jdbc.sql("""
                        SELECT delivery_id, operation, data_key_id, payload FROM webhook_delivery
                        WHERE connector_id = :c AND consumed_run_id IS NULL ORDER BY received_at, delivery_id""")
                .param("c", connectorId)
                .query((rs, n) -> {
                    String id = rs.getString(1);
                    String operation = rs.getString(2);
                    return vault.open(rs.getLong(3), rs.getBytes(4), aadDelivery(connectorId, id))
                            .map(p -> new Delivery(id, operation, p));
                })
                .list().stream().flatMap(Optional::stream).toList();
    }

    /** The run that fed these deliveries succeeded: they are done, and their payloads are shredded. */
    public void consumed(String connectorId, List<String> deliveryIds, String runId) {
        for (String id : deliveryIds) {
            jdbc.sql("SELECT data_key_id FROM webhook_delivery WHERE connector_id = :c AND delivery_id = :d")
                    .param("c", connectorId).param("d", id).query(Long.class).optional().ifPresent(vault::shred);
            jdbc.sql("UPDATE webhook_delivery SET consumed_run_id = :run WHERE connector_id = :c AND delivery_id = :d")
                    .param("run", runId).param("c", connectorId).param("d", id).update();
        }
    }

    private static String aadToken(String tokenKey) {
        return "http_auth_token:" + tokenKey;
    }

    private static String aadDelivery(String connectorId, String deliveryId) {
        return "webhook_delivery:" + connectorId + ":" + deliveryId;
    }
}
