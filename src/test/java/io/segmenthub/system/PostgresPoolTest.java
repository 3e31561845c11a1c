package io.segmenthub.system;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PostgresPoolTest {

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        return pool;
    }

    @Test
    void aPostgresPoolPlansEveryStatementAfreshAndRewritesBatchedInserts() {
        HikariDataSource pool = pool("jdbc:postgresql://127.0.0.1:5432/segmenthub");
        new PostgresPool().postProcessBeforeInitialization(pool, "dataSource");
        assertThat(pool.getConnectionInitSql()).isEqualTo(PostgresPool.INIT_SQL);
        assertThat(pool.getDataSourceProperties()).containsEntry(PostgresPool.REWRITE_BATCHED_INSERTS, "true")
                .containsEntry(PostgresPool.SERVER_ERROR_DETAIL, "false");
    }

    @Test
    void aBatchSettingChosenInTheUrlOrThePoolIsKept() {
        HikariDataSource url = pool("jdbc:postgresql://127.0.0.1:5432/segmenthub?reWriteBatchedInserts=false");
        new PostgresPool().postProcessBeforeInitialization(url, "dataSource");
        assertThat(url.getDataSourceProperties()).doesNotContainKey(PostgresPool.REWRITE_BATCHED_INSERTS);

        HikariDataSource own = pool("jdbc:postgresql://127.0.0.1:5432/segmenthub");
        own.addDataSourceProperty(PostgresPool.REWRITE_BATCHED_INSERTS, "false");
        new PostgresPool().postProcessBeforeInitialization(own, "dataSource");
        assertThat(own.getDataSourceProperties()).containsEntry(PostgresPool.REWRITE_BATCHED_INSERTS, "false");

        HikariDataSource diagnosing = pool("jdbc:postgresql://127.0.0.1:5432/segmenthub?logServerErrorDetail=true");
        new PostgresPool().postProcessBeforeInitialization(diagnosing, "dataSource");
        assertThat(diagnosing.getDataSourceProperties()).doesNotContainKey(PostgresPool.SERVER_ERROR_DETAIL);
    }

    @Test
    void anH2PoolAndAPoolWithItsOwnInitSqlAreLeftAlone() {
        HikariDataSource h2 = pool("jdbc:h2:mem:plans");
        new PostgresPool().postProcessBeforeInitialization(h2, "dataSource");
        assertThat(h2.getConnectionInitSql()).isNull();
        assertThat(h2.getDataSourceProperties()).isEmpty();

        HikariDataSource own = pool("jdbc:postgresql://127.0.0.1:5432/segmenthub");
        own.setConnectionInitSql("SET search_path = hub");
        new PostgresPool().postProcessBeforeInitialization(own, "dataSource");
        assertThat(own.getConnectionInitSql()).isEqualTo("SET search_path = hub");
    }

    /** Against the PostgreSQL CI runs the suite on (skipped when it is not there): the settings are live on the pool's connections. */
    @Test
    void theSettingsAreInForceOnTheServer() throws Exception {
        String url = System.getenv().getOrDefault("SEGMENT_HUB_DB_URL", "jdbc:postgresql://127.0.0.1:5432/segmenthub_test");
        assumeTrue(url.startsWith("jdbc:postgresql:"));
        try (HikariDataSource pool = pool(url)) {
            pool.setUsername(System.getenv().getOrDefault("SEGMENT_HUB_DB_USER", "postgres"));
            pool.setPassword(System.getenv().getOrDefault("SEGMENT_HUB_DB_PASSWORD", ""));
            pool.setMaximumPoolSize(1);
            pool.setConnectionTimeout(3_000);
            pool.setInitializationFailTimeout(-1);
            new PostgresPool().postProcessBeforeInitialization(pool, "dataSource");
            Connection c;
            try {
                c = pool.getConnection();
            } catch (java.sql.SQLException unreachable) {
                assumeTrue(false, "no PostgreSQL at " + url);
                return;
            }
            try (c; Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW plan_cache_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("force_custom_plan");
                s.execute("CREATE TEMPORARY TABLE rewritten (n INT)");
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO rewritten (n) VALUES (?)")) {
                    for (int n = 0; n < 8; n++) {
                        insert.setInt(1, n);
                        insert.addBatch();
                    }
                    // a rewritten batch is one multi-row statement, so the driver has no count per row
                    assertThat(insert.executeBatch()).containsOnly(Statement.SUCCESS_NO_INFO);
                }
                try (ResultSet count = s.executeQuery("SELECT COUNT(*) FROM rewritten")) {
                    count.next();
                    assertThat(count.getInt(1)).isEqualTo(8);
                }
                // the server's detail and context quote the row; the driver's message leaves them out
                s.execute("CREATE TEMPORARY TABLE keyed (record_id VARCHAR(20) PRIMARY KEY)");
                s.execute("INSERT INTO keyed VALUES ('ann@example.com')");
                assertThatThrownBy(() -> s.execute("INSERT INTO keyed VALUES ('ann@example.com')"))
                        .isInstanceOfSatisfying(PSQLException.class, e -> {
                            assertThat(e.getServerErrorMessage().getDetail()).as("the server sent it").contains("ann@example.com");
                            assertThat(e.getServerErrorMessage().getConstraint()).isEqualTo("keyed_pkey");
                            assertThat(e.getMessage()).contains("duplicate key").doesNotContain("ann@example.com");
                        });
                var copy = c.unwrap(PGConnection.class).getCopyAPI();
                assertThatThrownBy(() -> copy.copyIn("COPY keyed (record_id) FROM STDIN",
                        new StringReader("bob.jones.the.second@example.com\n")))
                        .isInstanceOfSatisfying(PSQLException.class, e -> {
                            assertThat(e.getServerErrorMessage().getWhere()).as("the server sent it").contains("bob.jones");
                            assertThat(e.getMessage()).contains("too long").doesNotContain("bob.jones");
                        });
            }
        }
    }
}
