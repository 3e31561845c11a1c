package io.segmenthub.connector;

import static io.segmenthub.connector.ConnectorFixtures.all;
import static io.segmenthub.connector.ConnectorFixtures.drain;
import static io.segmenthub.connector.ConnectorFixtures.hubConfig;
import static io.segmenthub.connector.ConnectorFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariDataSource;
import io.segmenthub.connector.ConnectorFixtures.HubStore;
import io.segmenthub.connector.JdbcSettings.WatermarkType;
import io.segmenthub.pipeline.Quarantined;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SourceRecord;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.Transaction;
import io.segmenthub.profile.Attribute;

import java.io.Closeable;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

class JdbcSourceTest {

    static final String SEED = """
            -- a made-up ERP
            CREATE TABLE customers (
                customer_no VARCHAR(20) PRIMARY KEY,
                first_name VARCHAR(100),
                email VARCHAR(200),
                updated_at TIMESTAMP NOT NULL
            );
            CREATE TABLE orders (
                order_no INTEGER PRIMARY KEY,
                customer_no VARCHAR(20) NOT NULL,
                order_date DATE NOT NULL,
                amount DECIMAL(12,2) NOT NULL,
                currency CHAR(3) NOT NULL
            );
            INSERT INTO customers VALUES
            ('K-3', 'Carla', 'carla.test@example.net', TIMESTAMP '2026-01-03 09:00:00'),
            ('K-1', 'Anton', 'anton.test@example.net', TIMESTAMP '2026-01-01 09:00:00'),
            ('K-2', 'Berit', 'berit.test@example.net', TIMESTAMP '2026-01-02 09:00:30.5');
            INSERT INTO orders VALUES
            (1, 'K-1', DATE '2026-01-01', 10.00, 'EUR'),
            (2, 'K-2', DATE '2026-01-02', 20.50, 'EUR'),
            (3, 'K-1', DATE '2026-01-05', 7.25, 'GBP');
            """;

    @TempDir
    Path dir;

    final HubStore store = new HubStore();
    final Watermarks watermarks = store.watermarks();
    final JdbcConnections connections = new JdbcConnections();
    final String erpUrl = ConnectorFixtures.uniqueH2Url("erp");
    Path seed;

    @BeforeEach
    void writeSeedScript() throws Exception {
        seed = Files.writeString(dir.resolve("erp.sql"), SEED);
    }

    @AfterEach
    void close() {
        connections.destroy();
        JdbcClient.create(new SimpleDriverDataSource(new org.h2.Driver(), erpUrl, "sa", ""))
                .sql("SHUTDOWN").update();
        store.close();
    }

    ConnectorConfig customers(String query, int batchSize) {
        return new ConnectorConfig("erp-customers", ConnectorType.JDBC, "erp", null, "customer_account", "DE", batchSize, null,
                new JdbcSettings(erpUrl, "sa", "", query, "updated_at", null, seed.toString(), 2),
                new RecordMapping("customer_no", null, "updated_at", Map.of("given_name", "first_name", "email", "email"),
                        null, null, null, null, null));
    }

    ConnectorConfig orders(String query) {
        return new ConnectorConfig("erp-orders", ConnectorType.JDBC, "erp", null, "customer_account", null, 10, null,
                new JdbcSettings(erpUrl, "sa", "", query, "order_no", WatermarkType.NUMBER, seed.toString(), null),
                new RecordMapping("customer_no", null, null, null, null, null,
                        new RecordMapping.TransactionMapping("order_no", "order_date", "amount", "currency", null), null, null));
    }

    JdbcSource source(ConnectorConfig connector) {
        return new JdbcSource(hubConfig(dir, List.of(connector), List.of()), connections, watermarks);
    }

    List<SourceBatch> pull(ConnectorConfig connector, SyncRun run) {
        return drain(source(connector).open(run, connector.id()));
    }

    static List<String> ids(List<SourceBatch> batches) {
        return all(batches, SourceBatch::records).stream().map(SourceRecord::recordId).toList();
    }

    JdbcClient erp() {
        return JdbcClient.create(connections.get(erpUrl, "sa", ""));
    }

    int activeConnections() {
        return ((HikariDataSource) connections.get(erpUrl, "sa", "")).getHikariPoolMXBean().getActiveConnections();
    }

    static final String ALL_CUSTOMERS = "SELECT * FROM customers WHERE updated_at > :watermark ORDER BY customer_no";

    @Nested
    class Pull {

        @Test
        void firstPullSeedsTheEmptyDatabaseAndReadsEveryRow() {
            List<SourceBatch> batches = pull(customers(ALL_CUSTOMERS, 10), run("run-1", "erp-customers"));

            assertThat(ids(batches)).containsExactly("K-1", "K-2", "K-3");
            SourceRecord anton = all(batches, SourceBatch::records).get(0);
            assertThat(anton.system()).isEqualTo("erp");
            assertThat(anton.updatedAt()).isEqualTo(Instant.parse("2026-01-01T09:00:00Z"));
            assertThat(anton.identity()).containsOnly(Map.entry(Attribute.GIVEN_NAME, "Anton"),
                    Map.entry(Attribute.EMAIL, "anton.test@example.net"));
        }

        @Test
        void seedScriptRunsOnlyOnce() {
            var connector = customers(ALL_CUSTOMERS, 10);
            pull(connector, run("run-1", "erp-customers"));

            List<SourceBatch> again = pull(connector, run("run-2", "erp-customers"));

            assertThat(ids(again)).containsExactly("K-1", "K-2", "K-3");
            assertThat(erp().sql("SELECT COUNT(*) FROM customers").query(Integer.class).single()).isEqualTo(3);
        }

        @Test
        void databaseThatAlreadyHasTablesIsNotSeeded() {
            erp().sql("CREATE TABLE customers (customer_no VARCHAR(20), first_name VARCHAR(100), email VARCHAR(200), updated_at TIMESTAMP)")
                    .update();

            assertThat(pull(customers(ALL_CUSTOMERS, 10), run("run-1", "erp-customers"))).isEmpty();
            assertThat(erp().sql("SELECT COUNT(*) FROM customers").query(Integer.class).single()).isZero();
        }

        @Test
        void rowsAreBatchedAtTheConfiguredSize() {
            List<SourceBatch> batches = pull(customers(ALL_CUSTOMERS, 2), run("run-1", "erp-customers"));

            assertThat(batches).extracting(SourceBatch::size).containsExactly(2, 1);
        }

        @Test
        void cursorIsTheHighestWatermarkColumnValueNotTheLastRow() {
            // ordered by customer number, so the newest row (K-3) is not last in the first batch
            String query = "SELECT * FROM customers WHERE updated_at > :watermark ORDER BY customer_no DESC";

            List<SourceBatch> batches = pull(customers(query, 2), run("run-1", "erp-customers"));

            assertThat(ids(batches)).containsExactly("K-3", "K-2", "K-1");
            assertThat(batches).extracting(SourceBatch::watermark).containsExactly(
                    Optional.of("2026-01-03T09:00"), Optional.of("2026-01-03T09:00"));
        }

        @Test
        void cursorKeepsFractionsOfASecond() {
            String query = "SELECT * FROM customers WHERE updated_at > :watermark AND customer_no <> 'K-3'";

            List<SourceBatch> batches = pull(customers(query, 10), run("run-1", "erp-customers"));

            assertThat(batches).extracting(SourceBatch::watermark).containsExactly(Optional.of("2026-01-02T09:00:30.500"));
        }

        @Test
        void watermarkParameterIsBoundFromTheCommittedWatermarkSoOnlyNewerRowsComeBack() {
            var connector = customers(ALL_CUSTOMERS, 10);
            watermarks.commit(Map.of("erp-customers", "2026-01-01T09:00"), "run-0");

            List<SourceBatch> batches = pull(connector, run("run-1", "erp-customers"));

            assertThat(ids(batches)).containsExactly("K-2", "K-3");
        }

        @Test
        void incrementalPullReadsOnlyWhatChangedSinceTheCommittedCursor() {
            var connector = customers(ALL_CUSTOMERS, 10);
            List<SourceBatch> first = pull(connector, run("run-1", "erp-customers"));
            watermarks.commit(Map.of("erp-customers", first.get(first.size() - 1).watermark().orElseThrow()), "run-1");
            erp().sql("UPDATE customers SET first_name = 'Anna', updated_at = TIMESTAMP '2026-01-04 08:00:00' WHERE customer_no = 'K-1'")
                    .update();

            List<SourceBatch> second = pull(connector, run("run-2", "erp-customers"));

            assertThat(ids(second)).containsExactly("K-1");
            assertThat(all(second, SourceBatch::records).get(0).identity()).containsEntry(Attribute.GIVEN_NAME, "Anna");
            assertThat(second).extracting(SourceBatch::watermark).containsExactly(Optional.of("2026-01-04T08:00"));
        }

        @Test
        void nothingNewGivesNoBatches() {
            watermarks.commit(Map.of("erp-customers", "2026-01-03T09:00"), "run-0");

            assertThat(pull(customers(ALL_CUSTOMERS, 10), run("run-1", "erp-customers"))).isEmpty();
        }

        @Test
        void numberWatermarkIsBoundAndTrackedAsANumber() {
            var connector = orders("SELECT * FROM orders WHERE order_no > :watermark ORDER BY order_no");
            pull(customers(ALL_CUSTOMERS, 10), run("run-0", "erp-customers")); // seeds the database
            watermarks.commit(Map.of("erp-orders", "1"), "run-0");

            List<SourceBatch> batches = pull(connector, run("run-1", "erp-orders"));

            assertThat(all(batches, SourceBatch::records)).flatExtracting(SourceRecord::transactions)
                    .containsExactly(
                            new Transaction("2", LocalDate.of(2026, 1, 2), new BigDecimal("20.50"), "EUR"),
                            new Transaction("3", LocalDate.of(2026, 1, 5), new BigDecimal("7.25"), "GBP"));
            assertThat(batches).extracting(SourceBatch::watermark).containsExactly(Optional.of("3"));
        }

        @Test
        void columnLabelsAreLowerCasedSoMappingsUseOneSpelling() {
            String query = "SELECT CUSTOMER_NO, First_Name AS \"FIRST_NAME\", EMAIL AS \"Email\", UPDATED_AT FROM customers "
                    + "WHERE updated_at > :watermark ORDER BY customer_no";

            List<SourceRecord> records = all(pull(customers(query, 10), run("run-1", "erp-customers")), SourceBatch::records);

            assertThat(records).extracting(SourceRecord::recordId).containsExactly("K-1", "K-2", "K-3");
            assertThat(records.get(1).identity()).containsOnly(Map.entry(Attribute.GIVEN_NAME, "Berit"),
                    Map.entry(Attribute.EMAIL, "berit.test@example.net"));
        }

        @Test
        void pullDoesNotTouchTheRunsWatermarkThatIsTheIngestStagesJob() {
            SyncRun run = run("run-1", "erp-customers");

            pull(customers(ALL_CUSTOMERS, 10), run);

            assertThat(run.pendingWatermarks()).isEmpty();
            assertThat(watermarks.get("erp-customers")).isEmpty();
        }
    }

    @Nested
    class Connections {

        @Test
        void drainedPullsReturnTheirConnectionToThePoolOfTwo() {
            var connector = customers(ALL_CUSTOMERS, 1);

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 12; i++) {
                    assertThat(ids(pull(connector, run("run-" + i, "erp-customers")))).hasSize(3);
                }
            });
            assertThat(activeConnections()).isZero();
        }

        @Test
        void pullsClosedBeforeTheEndReturnTheirConnection() {
            var connector = customers(ALL_CUSTOMERS, 1);

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 12; i++) {
                    Iterator<SourceBatch> batches = source(connector).open(run("run-" + i, "erp-customers"), "erp-customers");
                    assertThat(batches.next().records()).hasSize(1);
                    ((Closeable) batches).close();
                }
            });
            assertThat(activeConnections()).isZero();
        }

        @Test
        void emptyResultReturnsTheConnection() {
            watermarks.commit(Map.of("erp-customers", "2030-01-01T00:00"), "run-0");
            var connector = customers(ALL_CUSTOMERS, 10);

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 5; i++) {
                    assertThat(pull(connector, run("run-" + i, "erp-customers"))).isEmpty();
                }
            });
            assertThat(activeConnections()).isZero();
        }
    }

    @Nested
    class Failures {

        @Test
        void failingQueryNamesTheConnectorAndReturnsTheConnection() {
            var connector = customers("SELECT * FROM no_such_table WHERE updated_at > :watermark", 10);

            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> source(connector).open(run("run-1", "erp-customers"), "erp-customers"))
                        .isInstanceOf(ConnectorException.class)
                        .hasMessageStartingWith("connector 'erp-customers': query failed: ");
            }
            assertThat(activeConnections()).isZero();
        }

        @Test
        void missingSeedScriptForAnEmptyDatabaseNamesTheConnector() {
            var connector = new ConnectorConfig("erp-customers", ConnectorType.JDBC, "erp", null, "customer_account", null, 10, null,
                    new JdbcSettings(erpUrl, "sa", "", ALL_CUSTOMERS, "updated_at", null, dir.resolve("missing.sql").toString(), null),
                    new RecordMapping("customer_no", null, null, null, null, null, null, null, null));

            assertThatThrownBy(() -> source(connector).open(run("run-1", "erp-customers"), "erp-customers"))
                    .isInstanceOf(ConnectorException.class)
                    .hasMessageStartingWith("connector 'erp-customers': init-script ")
                    .hasMessageEndingWith("missing.sql does not exist");
        }

        @Test
        void rowThatCannotBeMappedIsQuarantinedByRowNumberAndDoesNotMoveTheCursor() {
            erp().sql("CREATE TABLE customers (customer_no VARCHAR(20), first_name VARCHAR(100), email VARCHAR(200), updated_at TIMESTAMP)")
                    .update();
            erp().sql("INSERT INTO customers VALUES ('K-1', 'Anton', NULL, TIMESTAMP '2026-01-01 09:00:00'), "
                    + "(NULL, 'Nobody', NULL, TIMESTAMP '2026-01-09 09:00:00')").update();

            List<SourceBatch> batches = pull(customers(ALL_CUSTOMERS + " NULLS LAST", 10), run("run-1", "erp-customers"));

            assertThat(ids(batches)).containsExactly("K-1");
            assertThat(all(batches, SourceBatch::quarantined)).extracting(Quarantined::ref, Quarantined::reason)
                    .containsExactly(tuple("row 2", "missing record id (field 'customer_no')"));
            // the unmappable row is still read, so the cursor passes it: it is in the quarantine, not lost
            assertThat(batches).extracting(SourceBatch::watermark).containsExactly(Optional.of("2026-01-09T09:00"));
        }
    }
}
