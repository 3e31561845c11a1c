package io.segmenthub;

import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.pipeline.SyncFailedException;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run pulls the fixture's source systems side by side (the CRM, the ERP's two connectors as one
 * lane, the web analytics) after its consent source, stores what one system at a time would have
 * stored, and fails on a failed lane only once the other lanes are done, committing no watermark.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "segmenthub.pull-lanes=2")
@ExtendWith(OutputCaptureExtension.class)
class PullLanesTest {

    @TempDir
    static Path root;
    static HubFixture fixture;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) {
        fixture = new HubFixture(root).writeConfig();
        // the ERP's orders are read with a pause the failing-lane test sets (0 elsewhere): a lane still busy
        Path connectors = fixture.config.resolve("connectors.yml");
        HubFixture.write(connectors, read(connectors).replace(
                "query: SELECT * FROM orders WHERE updated_at >= :watermark ORDER BY updated_at",
                "query: SELECT o.*, CASE WHEN order_no = 'O1' THEN PAUSE((SELECT ms FROM pause)) END AS paused"
                        + " FROM orders o WHERE updated_at >= :watermark ORDER BY updated_at"));
        StoreUnderTest.register(registry, fixture);
    }

    /** Records per source system after a clean run of the fixture, as the run of one connector at a time leaves them. */
    static final Map<String, Long> STORED = Map.of("crm", 3L, "erp", 4L, "web", 1L);

    @Autowired SyncRunner runner;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;
    @Autowired JdbcConnections connections;

    @BeforeEach
    void cleanWorld() {
        fixture.reset(flyway, connections);
        erpSeed = read(root.resolve("sources/erp.sql"));
        pauseErpOrders(0);
    }

    /** The ERP's seed as the fixture writes it. */
    static String erpSeed;

    /** Reading the ERP's orders sleeps {@code millis} (H2 calls {@code Thread.sleep} for the one order O1). */
    static void pauseErpOrders(long millis) {
        HubFixture.write(root.resolve("sources/erp.sql"), erpSeed + """
                CREATE ALIAS PAUSE FOR "java.lang.Thread.sleep(long)";
                CREATE TABLE pause (ms BIGINT NOT NULL);
                INSERT INTO pause VALUES (%d);
                """.formatted(millis));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void sourceSystemsArePulledSideBySideAndStoreWhatOneAtATimeStores(CapturedOutput output) {
        SyncRun run = runner.run("nightly", "test");

        assertThat(run.mostPulledAtOnce()).isEqualTo(2);
        assertThat(output.getAll()).contains("pulling consent, then crm | erp-customers, erp-orders | web");
        assertThat(storedBySystem()).isEqualTo(STORED);
    }

    @Test
    void aFailedLaneFailsTheRunOnceTheOtherLanesAreDone() throws Exception {
        Files.delete(root.resolve("sources/crm.json"));
        // the ERP's lane outlasts the CRM's failure and its three retries (0.5 + 1 + 2 s)
        pauseErpOrders(6_000);

        assertThatThrownBy(() -> runner.run("nightly", "test"))
                .isInstanceOf(SyncFailedException.class)
                .hasMessageContaining("connector 'crm'");

        // the run failed only once the ERP's lane had stored its orders, and the web's lane, queued
        // behind the two, was pulled too; had it failed at the CRM's failure, the ERP's lane would
        // still be writing under a run that had ended
        assertThat(storedBySystem()).isEqualTo(Map.of("erp", STORED.get("erp"), "web", STORED.get("web")));
        assertThat(store.sql("SELECT COUNT(*) FROM purchase").query(Long.class).single()).isEqualTo(5);
        assertThat(store.sql("SELECT COUNT(*) FROM watermark").query(Long.class).single()).as("no watermark moved").isZero();
        assertThat(store.sql("SELECT error FROM sync_run WHERE status = 'FAILED'").query(String.class).single()).contains("crm");
    }

    Map<String, Long> storedBySystem() {
        Map<String, Long> counts = new TreeMap<>();
        store.sql("SELECT system, COUNT(*) FROM source_record GROUP BY system")
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    /** The same world pulled one connector at a time ({@code segmenthub.pull-lanes: 1}, the default). */
    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "segmenthub.pull-lanes=1")
    class OneAtATime {

        @Autowired SyncRunner oneLane;

        @Test
        void pullsOneConnectorAtATime() {
            SyncRun run = oneLane.run("nightly", "test");

            assertThat(run.mostPulledAtOnce()).isEqualTo(1);
            assertThat(storedBySystem()).isEqualTo(STORED);
        }
    }
}
