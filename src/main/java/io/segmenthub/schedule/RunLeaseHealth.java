package io.segmenthub.schedule;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code runLease} (details for admins only): this instance,
 * whether the scheduler is clustered, and who holds the run lease with its last heartbeat. Always
 * UP: a lease left by a dead instance is taken over by the next run, it does not stop the hub.
 */
@Component("runLeaseHealthIndicator") // health component "runLease"
class RunLeaseHealth implements HealthIndicator {

    private final RunLease lease;
    private final QuartzSchedule schedule;

    RunLeaseHealth(RunLease lease, QuartzSchedule schedule) {
        this.lease = lease;
        this.schedule = schedule;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up().withDetail("instance", lease.instanceId()).withDetail("clustered", schedule.clustered());
        lease.current().ifPresentOrElse(held -> health
                        .withDetail("state", held.stale() ? "stale" : "held")
                        .withDetail("holder", held.holder())
                        .withDetail("sync", held.syncId())
                        .withDetail("run", held.runId().orElse(""))
                        .withDetail("since", held.since().toString())
                        .withDetail("lastHeartbeat", held.heartbeatAt().toString())
                        .withDetail("expiresAt", held.expiresAt().toString()),
                () -> health.withDetail("state", "free"));
        return health.build();
    }
}
