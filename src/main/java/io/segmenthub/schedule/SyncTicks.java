package io.segmenthub.schedule;

import io.segmenthub.system.Timestamps;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Duration;
import java.time.Instant;

/** The schedule ticks that started a run, one row each ({@code sync_tick}); kept for a week. */
@Repository
class SyncTicks {

    private static final Duration KEPT = Duration.ofDays(7);

    private final JdbcClient jdbc;

    SyncTicks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** True if this instance is the first to claim the tick; false if another one already has. */
    boolean claim(String syncId, Instant fireTime, String instanceId, Instant now) {
        jdbc.sql("DELETE FROM sync_tick WHERE sync_id = :sync AND fire_time < :before")
                .param("sync", syncId).param("before", Timestamps.utc(now.minus(KEPT))).update();
        try {
            return jdbc.sql("INSERT INTO sync_tick (sync_id, fire_time, instance_id, claimed_at) VALUES (:sync, :fire, :instance, :now)")
                    .param("sync", syncId).param("fire", Timestamps.utc(fireTime)).param("instance", instanceId)
                    .param("now", Timestamps.utc(now)).update() == 1;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** Who claimed a tick, for the log line of the instance that lost it. */
    String claimant(String syncId, Instant fireTime) {
        return jdbc.sql("SELECT instance_id FROM sync_tick WHERE sync_id = :sync AND fire_time = :fire")
                .param("sync", syncId).param("fire", Timestamps.utc(fireTime)).query(String.class).optional().orElse("?");
    }
}
