package io.segmenthub.pipeline;

import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Rows that could not be used, kept with their reason so nothing is lost. The raw row may hold
 * personal data, so it is sealed like a source record, under its own data key.
 */
@Repository
public class QuarantineStore {

    public record Entry(long id, String runId, String connectorId, String ref, String reason) {
    }

    private final JdbcClient jdbc;
    private final PersonalDataVault vault;
    private final Clock clock;

    public QuarantineStore(JdbcClient jdbc, PersonalDataVault vault, Clock clock) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.clock = clock;
    }

    public void add(String runId, String connectorId, Quarantined q) {
        Long dataKey = null;
        byte[] payload = null;
        if (!q.payload().isEmpty()) {
            var sealed = vault.sealNew(q.payload().getBytes(StandardCharsets.UTF_8), aad(connectorId, q.ref()));
            dataKey = sealed.dataKeyId();
            payload = sealed.ciphertext();
        }
        jdbc.sql("""
                        INSERT INTO quarantine (run_id, connector_id, record_ref, reason, data_key_id, payload, created_at)
                        VALUES (:run, :connector, :ref, :reason, :key, :payload, :at)""")
                .param("run", runId).param("connector", connectorId).param("ref", truncate(q.ref(), 300))
                .param("reason", truncate(q.reason(), 500)).param("key", dataKey).param("payload", payload)
                .param("at", Timestamps.utc(clock.instant()))
                .update();
    }

    public List<Entry> forRun(String runId) {
        return jdbc.sql("SELECT id, run_id, connector_id, record_ref, reason FROM quarantine WHERE run_id = :run ORDER BY id")
                .param("run", runId)
                .query((rs, n) -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list();
    }

    static String aad(String connectorId, String ref) {
        return "quarantine/" + connectorId + "/" + ref;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
