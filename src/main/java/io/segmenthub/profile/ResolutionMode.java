package io.segmenthub.profile;

import io.segmenthub.system.HubConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the next resolution compares every record again (learning the match model anew) or only
 * new and changed records against the profiles there are. Incremental unless
 * {@code hub.resolution.full-resolve: true} is configured, or a full re-resolution is asked for the
 * next run ({@code sync --full-resolve}, {@code POST /api/runs?fullResolve=true}).
 */
@Component
public class ResolutionMode {

    private final boolean alwaysFull;
    private final AtomicBoolean nextFull = new AtomicBoolean();

    @Autowired
    public ResolutionMode(HubConfig config) {
        this(config.hub().resolution().fullResolveOrDefault());
    }

    ResolutionMode(boolean alwaysFull) {
        this.alwaysFull = alwaysFull;
    }

    /** The next run resolves in full. */
    public void requestFull() {
        nextFull.set(true);
    }

    /** Whether this run resolves in full; a request counts for one run. */
    boolean takeFull() {
        return nextFull.getAndSet(false) || alwaysFull;
    }
}
