package io.segmenthub.system;

import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.pipeline.SyncRunStore;
import io.segmenthub.schedule.QuartzSchedule;
import io.segmenthub.schedule.RunLease;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.util.Map;

/**
 * Instantiates the route templates of {@code routes/} from config: one pull route per connector
 * ({@code pull-<id>}), one push route per destination ({@code push-<id>}) and, in server mode,
 * one Quartz route per scheduled sync ({@code schedule-<id>}).
 */
@Configuration(proxyBeanMethods = false)
class CamelWiring {

    private static final Logger log = LoggerFactory.getLogger(CamelWiring.class);

    @Bean
    CamelContextConfiguration hubRoutes(HubConfig config, HubProperties properties, SyncRunStore runs, Clock clock,
                                        RunLease lease, QuartzSchedule quartz) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                // templates are loaded from routes/ during start; instances are added after it
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                try {
                    for (ConnectorConfig c : config.connectors()) {
                        camel.addRouteFromTemplate("pull-" + c.id(), c.type().templateId(), Map.of("connectorId", c.id()));
                    }
                    for (DestinationConfig d : config.destinations()) {
                        camel.addRouteFromTemplate("push-" + d.id(), d.type().templateId(), Map.of("destinationId", d.id()));
                    }
                    // a run under a live lease is going on elsewhere (another instance, or the hub beside this command)
                    int interrupted = runs.abandonInterrupted(clock.instant(), lease.liveRun());
                    if (interrupted > 0) {
                        log.warn("{} runs were left unfinished by a stopped hub; marked failed (their watermarks were not committed)", interrupted);
                    }
                    if (properties.schedulesEnabled()) {
                        for (SyncSchedule sync : config.syncs()) {
                            // the route stores the sync's trigger in the scheduler: a change to the shared schedule
                            quartz.change(() -> camel.addRouteFromTemplate("schedule-" + sync.id(), "sync-schedule", Map.of("syncId", sync.id(),
                                    "cron", sync.cron(), "misfire", String.valueOf(sync.misfire().quartzInstruction()))));
                            log.info("sync={} scheduled with cron '{}' (misfire: {})", sync.id(), sync.cron(), sync.misfire());
                        }
                        quartz.start(config.syncs());
                    }
                } catch (Exception e) {
                    throw new HubStartupException("Cannot create the routes from config: " + e.getMessage(), e);
                }
            }
        };
    }
}
