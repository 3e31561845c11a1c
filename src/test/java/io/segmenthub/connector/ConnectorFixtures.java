package io.segmenthub.connector;

import io.segmenthub.consent.LawfulBasis;
import io.segmenthub.consent.Purpose;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubSettings;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** Config, runs and stores for connector tests; every value here is made up. */
final class ConnectorFixtures {

    static final Instant RUN_STARTED = Instant.parse("2026-03-01T08:00:00Z");
    static final Clock CLOCK = Clock.fixed(RUN_STARTED, ZoneOffset.UTC);

    private ConnectorFixtures() {
    }

    static Map<String, Purpose> purposes() {
        return Map.of(
                "analytics", new Purpose("analytics", LawfulBasis.CONSENT, "web analytics", null),
                "marketing_email", new Purpose("marketing_email", LawfulBasis.CONSENT, "newsletters", 730),
                "customer_account", new Purpose("customer_account", LawfulBasis.CONTRACT, "orders and invoices", null));
    }

    static HubConfig hubConfig(Path dir, List<ConnectorConfig> connectors, List<DestinationConfig> destinations) {
        return new HubConfig(dir, new HubSettings(List.of("given_name", "family_name", "email", "phone"), "GB", null, null),
                List.of(), connectors, destinations, purposes(), List.of());
    }

    static SyncRun run(String id, String connectorId) {
        return new SyncRun(id, "sync-test", "test", RUN_STARTED, List.of(connectorId), List.of());
    }

    static List<SourceBatch> drain(Iterator<SourceBatch> batches) {
        List<SourceBatch> all = new ArrayList<>();
        batches.forEachRemaining(all::add);
        return all;
    }

    static <T> List<T> all(List<SourceBatch> batches, Function<SourceBatch, List<T>> part) {
        return batches.stream().flatMap(b -> part.apply(b).stream()).toList();
    }

    static String uniqueH2Url(String name) {
        return "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /** The hub's own store: an in-memory H2 database with the Flyway migrations applied. */
    static final class HubStore implements AutoCloseable {
        final JdbcDataSource dataSource = new JdbcDataSource();
        final JdbcClient jdbc;

        HubStore() {
            dataSource.setURL(uniqueH2Url("hub"));
            dataSource.setUser("sa");
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            jdbc = JdbcClient.create(dataSource);
        }

        Watermarks watermarks() {
            return new Watermarks(jdbc, CLOCK);
        }

        @Override
        public void close() {
            jdbc.sql("SHUTDOWN").update();
        }
    }
}
