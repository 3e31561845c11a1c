package io.segmenthub.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * A data key wrapped (RFC 3394) under the master key {@code masterKeyId}; this is what is stored
 * next to a subject's records. Deleting it shreds everything sealed under the data key, and
 * master-key rotation re-wraps it without touching the records.
 *
 * <p>The byte array is copied in and out, so a {@code WrappedKey} is an immutable value with
 * content-based equality.
 */
public record WrappedKey(String masterKeyId, byte[] wrapped) {

    public WrappedKey {
        Objects.requireNonNull(masterKeyId, "masterKeyId");
        Objects.requireNonNull(wrapped, "wrapped");
        wrapped = wrapped.clone();
    }

    @Override
    public byte[] wrapped() {
        return wrapped.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WrappedKey that
                && masterKeyId.equals(that.masterKeyId)
                && Arrays.equals(wrapped, that.wrapped);
    }

    @Override
    public int hashCode() {
        return 31 * masterKeyId.hashCode() + Arrays.hashCode(wrapped);
    }

    @Override
    public String toString() {
        return "WrappedKey[masterKeyId=" + masterKeyId + ", wrapped=" + wrapped.length + " bytes]";
    }
}
