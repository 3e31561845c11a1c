package io.segmenthub.system;

import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.pipeline.SyncRunStore;
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
    CamelContextConfiguration hubRoutes(HubConfig config, HubProperties properties, SyncRunStore runs, Clock clock) {
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
                    int interrupted = runs.abandonInterrupted(clock.instant());
                    if (interrupted > 0) {
                        log.warn("{} runs were left unfinished by a stopped hub; marked failed (their watermarks were not committed)", interrupted);
                    }
                    if (properties.schedulesEnabled()) {
                        for (SyncSchedule sync : config.syncs()) {
                            camel.addRouteFromTemplate("schedule-" + sync.id(), "sync-schedule",
                                    Map.of("syncId", sync.id(), "cron", sync.cron()));
                            log.info("sync={} scheduled with cron '{}'", sync.id(), sync.cron());
                        }
                    }
                } catch (Exception e) {
                    throw new HubStartupException("Cannot create the routes from config: " + e.getMessage(), e);
                }
            }
        };
    }
}
