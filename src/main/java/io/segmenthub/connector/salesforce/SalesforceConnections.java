package io.segmenthub.connector.salesforce;

import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.system.HubConfig;
import jakarta.annotation.PreDestroy;
import org.apache.camel.CamelContext;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One signed-in API client per salesforce connector, opened when first needed and closed with the hub. */
@Component
public class SalesforceConnections {

    private final HubConfig config;
    private final CamelContext camel;
    private final Map<String, SalesforceApi> open = new ConcurrentHashMap<>();

    public SalesforceConnections(HubConfig config, CamelContext camel) {
        this.config = config;
        this.camel = camel;
    }

    public SalesforceApi api(String connectorId) {
        return open.computeIfAbsent(connectorId, id -> {
            ConnectorConfig connector = config.connector(id);
            if (connector.salesforce() == null) {
                throw new IllegalArgumentException("connector '" + id + "' is not a salesforce connector");
            }
            return new SalesforceApi(camel, id, connector.salesforce());
        });
    }

    @PreDestroy
    public void close() {
        open.values().forEach(SalesforceApi::close);
        open.clear();
    }
}
