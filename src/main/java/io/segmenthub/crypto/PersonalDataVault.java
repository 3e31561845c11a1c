package io.segmenthub.crypto;

import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * Envelope encryption of personal data at rest. Each sealed row (a source record's PII, a
 * quarantined payload) has its own data key, stored only wrapped by the master key in
 * {@code data_key}. Deleting that row is crypto-shredding: the ciphertext stays where it is but
 * can never be opened again (GDPR Art. 17 erasure without rewriting every copy).
 */
public class PersonalDataVault {

    /** A sealed value and the data key it was sealed under. */
    public record Sealed(long dataKeyId, byte[] ciphertext) {
    }

    private volatile EnvelopeCipher cipher;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final java.util.function.Supplier<MasterKeys> reopen;

    public PersonalDataVault(EnvelopeCipher cipher, JdbcClient jdbc, Clock clock, java.util.function.Supplier<MasterKeys> reopen) {
        this.cipher = cipher;
        this.jdbc = jdbc;
        this.clock = clock;
        this.reopen = reopen;
    }

    /** Switches to new master keys (after a rotation) for everything sealed or opened from now on. */
    public void useKeys(MasterKeys keys) {
        this.cipher = new EnvelopeCipher(keys);
    }

    EnvelopeCipher cipher() {
        return cipher;
    }

    /** Seals under a fresh data key, which is stored wrapped. {@code aad} binds the ciphertext to its row. */
    public Sealed sealNew(byte[] plaintext, String aad) {
        DataKey key = cipher.newDataKey();
        var holder = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO data_key (master_key_id, wrapped, created_at) VALUES (:master, :wrapped, :at)")
                .param("master", key.wrapped().masterKeyId())
                .param("wrapped", key.wrapped().wrapped())
                .param("at", Timestamps.utc(clock.instant()))
                .update(holder, "id");
        long id = holder.getKey().longValue();
        return new Sealed(id, cipher.seal(key.key(), plaintext, aad(aad)));
    }

    /** Seals again under the row's existing data key (the record changed, the key did not). */
    public Optional<byte[]> reseal(long dataKeyId, byte[] plaintext, String aad) {
        return dataKey(dataKeyId).map(key -> cipher.seal(key, plaintext, aad(aad)));
    }

    /** Opens a sealed value; empty when its data key was shredded. */
    public Optional<byte[]> open(long dataKeyId, byte[] ciphertext, String aad) {
        return dataKey(dataKeyId).map(key -> cipher.open(key, ciphertext, aad(aad)));
    }

    /** Deletes the data key: everything sealed under it becomes unreadable. */
    public boolean shred(long dataKeyId) {
        return jdbc.sql("DELETE FROM data_key WHERE id = :id").param("id", dataKeyId).update() > 0;
    }

    private Optional<byte[]> dataKey(long id) {
        return jdbc.sql("SELECT master_key_id, wrapped FROM data_key WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> new WrappedKey(rs.getString("master_key_id"), rs.getBytes("wrapped")))
                .optional()
                .map(this::unwrap);
    }

    /** Unwraps; a master key this process has not loaded yet (rotated by another process) reloads the keystore once. */
    private byte[] unwrap(WrappedKey wrapped) {
        EnvelopeCipher current = cipher;
        if (!current.knows(wrapped.masterKeyId())) {
            useKeys(reopen.get());
            current = cipher;
        }
        return current.unwrap(wrapped);
    }

    private static byte[] aad(String aad) {
        return aad.getBytes(StandardCharsets.UTF_8);
    }
}
