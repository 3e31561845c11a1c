package io.segmenthub.system;

import io.segmenthub.connector.ConnectionTest;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One health component per connector and destination ({@code /actuator/health}, components shown
 * to admins): the connection test's outcome, with the step that failed. An unreachable CRM reports
 * {@code UNREACHABLE}, which ranks below {@code UP} (see application.yml), so one system being
 * away does not mark the hub itself down for a load balancer. Results are kept for a minute, so
 * frequent probes do not open a connection to every system each time.
 */
@Component("connectors")
class ConnectorHealth implements CompositeHealthContributor {

    static final Status UNREACHABLE = new Status("UNREACHABLE", "the connection test failed");
    private static final Duration KEEP = Duration.ofMinutes(1);

    private record Checked(Health health, Instant at) {
    }

    private final Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
    private final Map<String, Checked> recent = new ConcurrentHashMap<>();

    ConnectorHealth(HubConfig config, ConnectionTest tests, Clock clock) {
        config.connectors().forEach(c -> indicators.put(c.id(), () -> check(c.id(), tests, clock)));
        config.destinations().forEach(d -> indicators.put(d.id(), () -> check(d.id(), tests, clock)));
    }

    private Health check(String id, ConnectionTest tests, Clock clock) {
        Instant now = clock.instant();
        Checked last = recent.get(id);
        if (last != null && last.at().plus(KEEP).isAfter(now)) {
            return last.health();
        }
        Health health = tests.test(id).map(result -> {
            Health.Builder builder = result.ok() ? Health.up() : Health.status(UNREACHABLE);
            result.steps().forEach(step -> builder.withDetail(step.name(), (step.ok() ? "ok: " : "FAILED: ") + step.detail()));
            return builder.withDetail("checkedAt", now.toString()).build();
        }).orElse(Health.unknown().build());
        recent.put(id, new Checked(health, now));
        return health;
    }

    @Override
    public HealthContributor getContributor(String name) {
        return indicators.get(name);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return indicators.entrySet().stream()
                .map(e -> NamedContributor.<HealthContributor>of(e.getKey(), e.getValue())).iterator();
    }
}
