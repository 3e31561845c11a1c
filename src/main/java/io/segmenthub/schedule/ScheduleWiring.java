package io.segmenthub.schedule;

import io.segmenthub.system.HubStartupException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/** This instance's identity and lease timing, checked at start. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterProperties.class)
class ScheduleWiring {

    @Bean
    HubInstance hubInstance(ClusterProperties properties) {
        Duration ttl = properties.leaseTtl();
        Duration heartbeat = properties.leaseHeartbeat();
        if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.multipliedBy(2).compareTo(ttl) > 0) {
            throw new HubStartupException("segmenthub.cluster.lease-heartbeat (" + heartbeat.toMillis() + " ms) must be positive and at most "
                    + "half of segmenthub.cluster.lease-ttl (" + ttl.toMillis() + " ms), so a live run renews its lease before it expires.");
        }
        return HubInstance.of(properties.instanceId());
    }
}
