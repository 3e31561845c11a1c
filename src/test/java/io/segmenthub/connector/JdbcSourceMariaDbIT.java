package io.segmenthub.connector;

import static io.segmenthub.connector.ConnectorFixtures.all;
import static io.segmenthub.connector.ConnectorFixtures.drain;
import static io.segmenthub.connector.ConnectorFixtures.hubConfig;
import static io.segmenthub.connector.ConnectorFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.segmenthub.connector.ConnectorFixtures.HubStore;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SourceRecord;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.profile.Attribute;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The incremental pull against a real MariaDB, whose driver reports column labels as written and
 * hands back DATETIME values in its own way. Runs in {@code mvn verify} when
 * {@code SEGMENT_HUB_TEST_MARIADB_URL} names a database (e.g.
 * {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}); skipped otherwise.
 */
class JdbcSourceMariaDbIT {

    static final String URL_VARIABLE = "SEGMENT_HUB_TEST_MARIADB_URL";

    @TempDir
    Path dir;

    final String table = "hub_it_customers_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    HubStore store;
    JdbcConnections connections;
    String url;

    @BeforeEach
    void createTable() {
        url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), URL_VARIABLE + " is not set");
        store = new HubStore();
        connections = new JdbcConnections();
        erp().sql("CREATE TABLE " + table + " (customer_no VARCHAR(20) PRIMARY KEY, first_name VARCHAR(100), "
                + "email VARCHAR(200), updated_at DATETIME(3) NOT NULL)").update();
        erp().sql("INSERT INTO " + table + " VALUES "
                + "('K-3', 'Carla', 'carla.test@example.net', '2026-01-03 09:00:00'), "
                + "('K-1', 'Anton', 'anton.test@example.net', '2026-01-01 09:00:00'), "
                + "('K-2', 'Berit', 'berit.test@example.net', '2026-01-02 09:00:30.500')").update();
    }

    @AfterEach
    void dropTable() {
        if (connections == null) {
            return;
        }
        try {
            erp().sql("DROP TABLE IF EXISTS " + table).update();
        } finally {
            connections.destroy();
            store.close();
        }
    }

    JdbcClient erp() {
        return JdbcClient.create(connections.get(url, null, null));
    }

    ConnectorConfig connector() {
        String query = "SELECT CUSTOMER_NO, First_Name AS FIRST_NAME, email AS Email, updated_at FROM " + table
                + " WHERE updated_at > :watermark ORDER BY customer_no DESC";
        return new ConnectorConfig("erp-customers", ConnectorType.JDBC, "erp", null, "customer_account", "DE", 2, null,
                new JdbcSettings(url, null, null, query, "updated_at", null, null, 2),
                new RecordMapping("customer_no", null, "updated_at", Map.of("given_name", "first_name", "email", "email"),
                        null, null, null, null, null));
    }

    List<SourceBatch> pull(SyncRun run) {
        var source = new JdbcSource(hubConfig(dir, List.of(connector()), List.of()), connections, store.watermarks());
        return drain(source.open(run, "erp-customers"));
    }

    static List<String> ids(List<SourceBatch> batches) {
        return all(batches, SourceBatch::records).stream().map(SourceRecord::recordId).toList();
    }

    @Test
    void incrementalPullReadsEverythingThenOnlyWhatChanged() {
        Watermarks watermarks = store.watermarks();

        List<SourceBatch> first = pull(run("run-1", "erp-customers"));

        assertThat(ids(first)).containsExactly("K-3", "K-2", "K-1");
        assertThat(first).extracting(SourceBatch::watermark)
                .containsExactly(Optional.of("2026-01-03T09:00"), Optional.of("2026-01-03T09:00"));
        SourceRecord berit = all(first, SourceBatch::records).get(1);
        assertThat(berit.identity()).as("labels are lower-cased").containsOnly(
                Map.entry(Attribute.GIVEN_NAME, "Berit"), Map.entry(Attribute.EMAIL, "berit.test@example.net"));
        assertThat(berit.updatedAt()).isEqualTo(Instant.parse("2026-01-02T09:00:30.500Z"));

        watermarks.commit(Map.of("erp-customers", first.get(first.size() - 1).watermark().orElseThrow()), "run-1");
        erp().sql("UPDATE " + table + " SET first_name = 'Anna', updated_at = '2026-01-04 08:00:00.250' WHERE customer_no = 'K-1'")
                .update();

        List<SourceBatch> second = pull(run("run-2", "erp-customers"));

        assertThat(ids(second)).containsExactly("K-1");
        assertThat(all(second, SourceBatch::records).get(0).identity()).containsEntry(Attribute.GIVEN_NAME, "Anna");
        assertThat(second).extracting(SourceBatch::watermark).containsExactly(Optional.of("2026-01-04T08:00:00.250"));

        watermarks.commit(Map.of("erp-customers", second.get(0).watermark().orElseThrow()), "run-2");
        assertThat(pull(run("run-3", "erp-customers"))).isEmpty();
    }

    @Test
    void repeatedPullsReturnTheirConnections() {
        for (int i = 0; i < 8; i++) {
            assertThat(ids(pull(run("run-" + i, "erp-customers")))).hasSize(3);
        }

        assertThat(((HikariDataSource) connections.get(url, null, null)).getHikariPoolMXBean().getActiveConnections()).isZero();
    }
}
