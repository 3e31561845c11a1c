package io.segmenthub.system;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A small pool (two connections: Flyway holds one while it migrates over another) on the PostgreSQL CI runs the suite against; the calling test is skipped when there is none. */
public final class TestPostgres {

    private TestPostgres() {
    }

    /** @param initSql run on the connection when it opens (say a {@code search_path}), or null */
    public static HikariDataSource poolOrSkip(String initSql) {
        String url = System.getenv().getOrDefault("SEGMENT_HUB_DB_URL", "jdbc:postgresql://127.0.0.1:5432/segmenthub_test");
        assumeTrue(url.startsWith("jdbc:postgresql:"), "the store under test is not PostgreSQL");
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(System.getenv().getOrDefault("SEGMENT_HUB_DB_USER", "postgres"));
        pool.setPassword(System.getenv().getOrDefault("SEGMENT_HUB_DB_PASSWORD", ""));
        pool.setMaximumPoolSize(2);
        pool.setConnectionTimeout(3_000);
        pool.setInitializationFailTimeout(-1);
        if (initSql != null) {
            pool.setConnectionInitSql(initSql);
        }
        try {
            pool.getConnection().close();
        } catch (java.sql.SQLException unreachable) {
            pool.close();
            assumeTrue(false, "no PostgreSQL at " + url);
        }
        return pool;
    }

    /** A test given a pool whose connections work in a schema of their own, and that schema's name. */
    @FunctionalInterface
    public interface SchemaTest {
        void run(HikariDataSource pool, String schema) throws Exception;
    }

    /**
     * Runs {@code test} against an empty schema of its own, dropped after, on the pool's
     * connections (their {@code search_path} set to it); skipped without PostgreSQL.
     *
     * @param prefix the schema's name before a random suffix
     */
    public static void inSchema(String prefix, SchemaTest test) throws Exception {
        String schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
        try (HikariDataSource pool = poolOrSkip("SET search_path = " + schema)) {
            JdbcClient.create(pool).sql("CREATE SCHEMA " + schema).update();
            try {
                test.run(pool, schema);
            } finally {
                JdbcClient.create(pool).sql("DROP SCHEMA " + schema + " CASCADE").update();
            }
        }
    }

    /** {@link #inSchema}, the schema migrated as the hub's store first. */
    public static void inMigratedSchema(String prefix, SchemaTest test) throws Exception {
        inSchema(prefix, (pool, schema) -> {
            Flyway.configure().dataSource(pool).schemas(schema).load().migrate();
            test.run(pool, schema);
        });
    }
}
