package io.segmenthub.system;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PostgresPlansTest {

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        return pool;
    }

    @Test
    void aPostgresPoolPlansEveryStatementAfresh() {
        HikariDataSource pool = pool("jdbc:postgresql://127.0.0.1:5432/segmenthub");
        new PostgresPlans().postProcessBeforeInitialization(pool, "dataSource");
        assertThat(pool.getConnectionInitSql()).isEqualTo(PostgresPlans.INIT_SQL);
    }

    @Test
    void anH2PoolAndAPoolWithItsOwnInitSqlAreLeftAlone() {
        HikariDataSource h2 = pool("jdbc:h2:mem:plans");
        new PostgresPlans().postProcessBeforeInitialization(h2, "dataSource");
        assertThat(h2.getConnectionInitSql()).isNull();

        HikariDataSource own = pool("jdbc:postgresql://127.0.0.1:5432/segmenthub");
        own.setConnectionInitSql("SET search_path = hub");
        new PostgresPlans().postProcessBeforeInitialization(own, "dataSource");
        assertThat(own.getConnectionInitSql()).isEqualTo("SET search_path = hub");
    }

    /** Against the PostgreSQL CI runs the suite on (skipped when it is not there): the setting is live on the pool's connections. */
    @Test
    void theSettingIsInForceOnTheServer() throws Exception {
        String url = System.getenv().getOrDefault("SEGMENT_HUB_DB_URL", "jdbc:postgresql://127.0.0.1:5432/segmenthub_test");
        assumeTrue(url.startsWith("jdbc:postgresql:"));
        try (HikariDataSource pool = pool(url)) {
            pool.setUsername(System.getenv().getOrDefault("SEGMENT_HUB_DB_USER", "postgres"));
            pool.setPassword(System.getenv().getOrDefault("SEGMENT_HUB_DB_PASSWORD", ""));
            pool.setMaximumPoolSize(1);
            pool.setConnectionTimeout(3_000);
            pool.setInitializationFailTimeout(-1);
            new PostgresPlans().postProcessBeforeInitialization(pool, "dataSource");
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
            }
        }
    }
}
