package io.segmenthub.pipeline;

import io.segmenthub.system.HubProperties;
import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ExecutorService;

/**
 * The threads the {@code pipeline-sync} route pulls a wave's lanes on ({@link PullPlan}): one per
 * lane pulled side by side, {@code segmenthub.pull-lanes} in all. Camel owns the pool and shuts it
 * down with the context.
 */
@Configuration(proxyBeanMethods = false)
class PullLanePool {

    @Bean
    ExecutorService pullLanes(CamelContext camel, HubProperties properties) {
        return camel.getExecutorServiceManager().newFixedThreadPool(this, "pull-lane", properties.pullLanesOrDefault());
    }
}
