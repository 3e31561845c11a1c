package io.segmenthub.crypto;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * A fresh per-record data key: {@code key} is the 32-byte AES-256 key to seal with and is kept in
 * memory only; {@code wrapped} is the same key wrapped under a master key, the form that is
 * stored. {@link #toString()} never prints the key.
 */
public record DataKey(byte[] key, WrappedKey wrapped) {

    public DataKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(wrapped, "wrapped");
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataKey that
                && MessageDigest.isEqual(key, that.key)
                && wrapped.equals(that.wrapped);
    }

    @Override
    public int hashCode() {
        return wrapped.hashCode();
    }

    @Override
    public String toString() {
        return "DataKey[key=<redacted>, wrapped=" + wrapped + "]";
    }
}
