package io.segmenthub.crypto;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.system.HubProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.util.List;

/**
 * Master-key rotation: a new master key version becomes current, then every data key is
 * re-wrapped under it in batches, each batch its own transaction, so an interrupted rotation
 * resumes where it stopped ({@link #rewrap()}). Only the small wrapped keys change: no record is
 * decrypted or re-encrypted, and every record stays readable throughout (NIST SP 800-57 key
 * life cycle). A version no data key uses any more can then be retired from the keystore.
 */
@Component
public class KeyRotation {

    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);
    private static final int BATCH = 1000;

    public record Result(String currentMasterKeyId, long rewrapped, List<String> masterKeyIds) {
    }

    private final PersonalDataVault vault;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final HubProperties properties;

    public KeyRotation(PersonalDataVault vault, JdbcClient jdbc, TransactionTemplate tx, AuditLog audit, HubProperties properties) {
        this.vault = vault;
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.properties = properties;
    }

    /** Adds a master key version, makes it current and re-wraps every data key under it. */
    public Result rotate(String actor) {
        MasterKeys rotated = MasterKeys.rotate(Path.of(properties.keystore()), properties.keystorePassword().toCharArray());
        vault.useKeys(rotated);
        audit.append(new AuditLog.Entry(null, actor, "KEY_ROTATION", null, "new current master key " + rotated.currentMasterKeyId()));
        Result result = rewrap();
        audit.append(new AuditLog.Entry(null, actor, "KEY_ROTATION", null,
                "re-wrapped " + result.rewrapped() + " data keys under " + result.currentMasterKeyId()));
        return result;
    }

    /** Re-wraps the data keys still under an older master key; safe to run again after an interruption. */
    public Result rewrap() {
        EnvelopeCipher cipher = vault.cipher();
        String current = cipher.currentMasterKeyId();
        long total = 0;
        while (true) {
            Integer done = tx.execute(status -> {
                List<Object[]> batch = jdbc.sql("SELECT id, master_key_id, wrapped FROM data_key WHERE master_key_id <> :current ORDER BY id LIMIT " + BATCH)
                        .param("current", current)
                        .query((rs, n) -> new Object[]{rs.getLong(1), new WrappedKey(rs.getString(2), rs.getBytes(3))})
                        .list();
                for (Object[] row : batch) {
                    WrappedKey rewrapped = cipher.rewrap((WrappedKey) row[1]);
                    jdbc.sql("UPDATE data_key SET master_key_id = :master, wrapped = :wrapped WHERE id = :id")
                            .param("master", rewrapped.masterKeyId()).param("wrapped", rewrapped.wrapped()).param("id", row[0]).update();
                }
                return batch.size();
            });
            total += done;
            if (done < BATCH) {
                break;
            }
            log.info("key rotation: {} data keys re-wrapped so far", total);
        }
        MasterKeys keys = MasterKeys.openOrCreate(Path.of(properties.keystore()), properties.keystorePassword().toCharArray());
        return new Result(current, total, List.copyOf(keys.masterKeyIds()));
    }

    /** Removes an old master key version from the keystore, once no data key is wrapped under it. */
    public Result retire(String masterKeyId, String actor) {
        long using = jdbc.sql("SELECT COUNT(*) FROM data_key WHERE master_key_id = :id").param("id", masterKeyId).query(Long.class).single();
        if (using > 0) {
            throw new CryptoException(using + " data keys are still wrapped under " + masterKeyId + "; run the re-wrap first");
        }
        MasterKeys keys = MasterKeys.retire(Path.of(properties.keystore()), properties.keystorePassword().toCharArray(), masterKeyId);
        vault.useKeys(keys);
        audit.append(new AuditLog.Entry(null, actor, "KEY_RETIRED", null, "retired master key " + masterKeyId));
        return new Result(keys.currentMasterKeyId(), 0, List.copyOf(keys.masterKeyIds()));
    }
}
