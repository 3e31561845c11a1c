package io.segmenthub.schedule;

import io.segmenthub.pipeline.SyncBusyException;
import io.segmenthub.pipeline.SyncRunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The run lease: at most one sync run at a time in the whole store, whichever instance starts it
 * and however (schedule, API, console, command line). Taken with one compare-and-set statement,
 * renewed by a heartbeat while the run lives, released when it ends. A holder that dies (kill -9,
 * lost host) stops renewing; once its lease has expired the next run takes it over and marks the
 * dead holder's run failed. That run committed nothing that matters twice: each batch it stored is
 * its own transaction and is recognised as unchanged when pulled again, and watermarks, drop-folder
 * moves and push state only move when a run completes, which {@link Held#confirm()} checks it still
 * holds the lease for.
 */
@Component
public class RunLease implements DisposableBean {

    /** The one lease every run takes: runs of different syncs also share profiles, segments and push state. */
    public static final String PIPELINE = "pipeline";

    private static final Logger log = LoggerFactory.getLogger(RunLease.class);

    /**
     * The lease as the store has it now; {@code stale}: its holder is dead (the lease expired, or
     * the holder's process is gone from this host), so the next run takes it over.
     */
    public record State(String holder, String syncId, Optional<String> runId, Instant since, Instant heartbeatAt,
                        Instant expiresAt, boolean stale) {
    }

    private final LeaseStore store;
    private final SyncRunStore runs;
    private final HubInstance instance;
    private final Clock clock;
    private final Duration ttl;
    private final Duration heartbeat;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-lease-heartbeat");
        t.setDaemon(true);
        return t;
    });

    RunLease(LeaseStore store, SyncRunStore runs, HubInstance instance, Clock clock, ClusterProperties properties) {
        this.store = store;
        this.runs = runs;
        this.instance = instance;
        this.clock = clock;
        this.ttl = properties.leaseTtl();
        this.heartbeat = properties.leaseHeartbeat();
    }

    public String instanceId() {
        return instance.id();
    }

    /**
     * Takes the lease for a run of {@code syncId}, or throws {@link SyncBusyException} naming the
     * instance that holds it and since when. A lease left by a holder that died is taken over, and
     * that holder's run is marked failed.
     */
    public Held acquire(String syncId) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<LeaseStore.Row> read = store.read(PIPELINE);
            if (read.isEmpty()) {
                store.create(PIPELINE);
                continue;
            }
            LeaseStore.Row row = read.get();
            Instant now = clock.instant();
            boolean holderGone = row.holder().map(instance::holderIsGoneFromThisHost).orElse(false);
            if (row.heldAt(now) && !holderGone) {
                throw busy(row);
            }
            String token = UUID.randomUUID().toString();
            if (store.take(PIPELINE, row.token(), token, instance.id(), syncId, now, now.plus(ttl))) {
                if (row.releasedAt().isEmpty() && row.runId().isPresent()) {
                    abandon(row, now, holderGone);
                }
                return new Held(token);
            }
            // another instance changed the row between our read and our update: look again
        }
        throw store.read(PIPELINE).map(this::busy).orElseGet(() -> new SyncBusyException("the run lease is contended; try again"));
    }

    /** The lease unless it was released: held, or left stale by a holder that died (reported as such, for operators). */
    public Optional<State> current() {
        Instant now = clock.instant();
        return store.read(PIPELINE).filter(r -> r.token().isPresent() && r.releasedAt().isEmpty())
                .map(r -> new State(r.holder().orElse("?"), r.syncId().orElse("?"), r.runId(), r.acquiredAt().orElse(now),
                        r.heartbeatAt().orElse(now), r.expiresAt().orElse(now),
                        !r.heldAt(now) || r.holder().map(instance::holderIsGoneFromThisHost).orElse(false)));
    }

    /** The lease while a live instance holds it. */
    public Optional<State> live() {
        return current().filter(l -> !l.stale());
    }

    /** The run the live lease covers, if any: runs left RUNNING outside it were interrupted. */
    public Optional<String> liveRun() {
        return live().flatMap(State::runId);
    }

    private void abandon(LeaseStore.Row dead, Instant now, boolean holderGone) {
        String holder = dead.holder().orElse("?");
        String why = holderGone ? "its process is gone" : "it stopped renewing its run lease at "
                + dead.heartbeatAt().map(Instant::toString).orElse("?");
        String reason = "abandoned: instance " + holder + " stopped during the run (" + why
                + "); nothing of it was committed beyond the batches it stored, which later runs recognise as unchanged";
        String runId = dead.runId().orElseThrow();
        if (runs.abandon(runId, now, reason)) {
            log.warn("run={} on instance {} abandoned ({}); marked failed", runId, holder, why);
        }
    }

    private SyncBusyException busy(LeaseStore.Row row) {
        String holder = row.holder().orElse("?");
        Instant since = row.acquiredAt().orElse(clock.instant());
        return new SyncBusyException("sync run " + row.runId().orElse("(starting)") + " of sync '" + row.syncId().orElse("?")
                + "' is in progress on instance " + holder + " since " + since + " (last heartbeat "
                + row.heartbeatAt().map(Instant::toString).orElse("?") + ")", holder, since);
    }

    @Override
    public void destroy() {
        heartbeats.shutdownNow();
    }

    /** A lease this process holds: renewed in the background until closed. */
    public final class Held implements AutoCloseable {

        private final String token;
        private final ScheduledFuture<?> renewal;
        private volatile boolean lost;
        private volatile String runId;

        private Held(String token) {
            this.token = token;
            long every = heartbeat.toMillis();
            this.renewal = heartbeats.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        /** Records the run this lease covers (in the lease row and the run's history row). */
        public void running(String runId) {
            this.runId = runId;
            store.running(PIPELINE, token, runId, instance.id());
        }

        /**
         * Renews the lease once more and fails if it is no longer ours: called before a run commits
         * its watermarks, so a run whose lease was taken over (it stalled past the TTL and another
         * instance started) never commits over the newer run.
         */
        public void confirm() {
            Instant now = clock.instant();
            if (lost || !store.renew(PIPELINE, token, now, now.plus(ttl))) {
                lost = true;
                throw new RunLeaseLostException("run " + runId + " lost its run lease (no heartbeat within "
                        + ttl.toSeconds() + " s, another instance took over); its watermarks were not committed");
            }
        }

        private void renew() {
            if (lost) {
                return;
            }
            try {
                Instant now = clock.instant();
                if (!store.renew(PIPELINE, token, now, now.plus(ttl))) {
                    lost = true;
                    log.error("run={} lost its run lease: another instance took it over; this run will not commit", runId);
                }
            } catch (RuntimeException e) {
                log.warn("run={} could not renew its run lease: {}", runId, e.getMessage());
            }
        }

        @Override
        public void close() {
            renewal.cancel(false);
            if (!lost) {
                try {
                    store.release(PIPELINE, token, clock.instant());
                } catch (RuntimeException e) {
                    log.warn("run={} could not release its run lease (it expires by itself): {}", runId, e.getMessage());
                }
            }
        }
    }
}
