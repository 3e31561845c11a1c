package io.segmenthub.pipeline;

import java.time.Instant;
import java.util.Optional;

/** A run was asked for while another one is in progress (here, or on another instance: then it names it). */
public class SyncBusyException extends RuntimeException {

    private final String holder;
    private final Instant since;

    public SyncBusyException(String message) {
        this(message, null, null);
    }

    public SyncBusyException(String message, String holder, Instant since) {
        super(message);
        this.holder = holder;
        this.since = since;
    }

    /** The instance that holds the run lease, when known. */
    public Optional<String> holder() {
        return Optional.ofNullable(holder);
    }

    public Optional<Instant> since() {
        return Optional.ofNullable(since);
    }
}
