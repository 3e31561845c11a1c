package io.segmenthub.schedule;

import io.segmenthub.pipeline.SyncBusyException;
import io.segmenthub.pipeline.SyncFailedException;
import io.segmenthub.pipeline.SyncRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;

/**
 * What a schedule tick does (called by the Quartz route {@code schedule-<sync>}): claims the tick
 * in the store, so that a tick starts one run even if two schedulers fired it, then runs the sync
 * under the run lease. A failed or skipped run is logged and recorded; it never fails the Quartz
 * job, so the trigger keeps its schedule.
 */
@Component
public class ScheduledSyncs {

    /** The run history's trigger for scheduled runs. */
    public static final String TRIGGER = "schedule";

    private static final Logger log = LoggerFactory.getLogger(ScheduledSyncs.class);

    private final SyncRunner runner;
    private final SyncTicks ticks;
    private final HubInstance instance;
    private final Clock clock;

    ScheduledSyncs(SyncRunner runner, SyncTicks ticks, HubInstance instance, Clock clock) {
        this.runner = runner;
        this.ticks = ticks;
        this.instance = instance;
        this.clock = clock;
    }

    /**
     * @param scheduledFireTime the tick as the cron computes it (Quartz's {@code scheduledFireTime}),
     *                          the same on every instance; the time it fired when Quartz gives none
     */
    public void fire(String syncId, Date scheduledFireTime) {
        Instant now = clock.instant();
        Instant tick = scheduledFireTime == null ? now : scheduledFireTime.toInstant();
        if (!ticks.claim(syncId, tick, instance.id(), now)) {
            log.info("sync={} tick {} already run by instance {}", syncId, tick, ticks.claimant(syncId, tick));
            return;
        }
        try {
            runner.run(syncId, TRIGGER);
        } catch (SyncFailedException e) {
            log.error("run={} sync={} failed: {}", e.runId(), syncId, e.getMessage());
        } catch (SyncBusyException e) {
            log.warn("sync={} tick {} skipped: {}", syncId, tick, e.getMessage());
        }
    }
}
