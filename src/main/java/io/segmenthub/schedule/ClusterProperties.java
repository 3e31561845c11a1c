package io.segmenthub.schedule;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How this instance shares the store with others ({@code segmenthub.cluster.*}).
 *
 * @param enabled        set by the {@code cluster} profile: Quartz keeps the schedule in the store and
 *                       the instances share it (needs the store on PostgreSQL)
 * @param instanceId     this instance's name in the run lease and the run history; empty = host:pid
 * @param leaseTtl       how long a run lease lives without a heartbeat: after a holder died, the
 *                       next run waits at most this long. Must exceed the clock skew between hosts.
 * @param leaseHeartbeat how often the holder renews its lease; at most half of {@code lease-ttl}
 */
@Validated
@ConfigurationProperties("segmenthub.cluster")
public record ClusterProperties(
        boolean enabled,
        String instanceId,
        @NotNull Duration leaseTtl,
        @NotNull Duration leaseHeartbeat) {
}
