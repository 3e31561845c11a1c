package io.segmenthub.system;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Three settings for the hub's pool on PostgreSQL, applied by the URL the pool actually uses, whatever
 * the profile:
 * <ul>
 *   <li>every connection plans each statement afresh ({@code plan_cache_mode = force_custom_plan}).
 *       A first sync fills tables that were empty when it began; the driver prepares a statement on
 *       the server after five uses, and PostgreSQL then keeps one generic plan, chosen while the table
 *       was still empty (a sequential scan). On 100,000 records the look-up of stored records got
 *       slower with every batch and ingest took 540 s instead of 29 s (docs/benchmarks.md). A plan per
 *       execution costs well under a millisecond. Left alone if the pool already has init SQL;</li>
 *   <li>the driver sends a batch of {@code INSERT … VALUES} as multi-row inserts
 *       ({@code reWriteBatchedInserts}): a sync writes hundreds of thousands of blocking keys and
 *       lineage rows, and the server's cost per statement was most of it (a 30,000-record first run
 *       went from 31.5 s to 26.5 s). Such a batch then reports {@code SUCCESS_NO_INFO} instead of a
 *       count per row; the hub never reads per-row counts of a batched insert (it works out which rows
 *       are new before inserting them). Left alone if the URL or the pool sets it.</li>
 *   <li>the driver's exception messages carry the server's message only, not its detail and
 *       context ({@code logServerErrorDetail=false}): those quote the failing row's values ("Key
 *       (system, record_id)=(crm, ann@example.com) already exists", "COPY source_record, line 1,
 *       column record_id: …"), and a run's error is stored, logged and shown in the console. The
 *       SQL state, constraint and column stay available to code. Left alone if the URL or the pool
 *       sets it, for a one-off diagnosis.</li>
 * </ul>
 */
@Component
class PostgresPool implements BeanPostProcessor {

    static final String INIT_SQL = "SET plan_cache_mode = force_custom_plan";
    static final String REWRITE_BATCHED_INSERTS = "reWriteBatchedInserts";
    static final String SERVER_ERROR_DETAIL = "logServerErrorDetail";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null && pool.getJdbcUrl().startsWith("jdbc:postgresql:")) {
            if (pool.getConnectionInitSql() == null) {
                pool.setConnectionInitSql(INIT_SQL);
            }
            unlessSet(pool, REWRITE_BATCHED_INSERTS, "true");
            unlessSet(pool, SERVER_ERROR_DETAIL, "false");
        }
        return bean;
    }

    /** Sets a driver property the URL and the pool leave unset. */
    private static void unlessSet(HikariDataSource pool, String property, String value) {
        if (!pool.getJdbcUrl().contains(property + "=") && !pool.getDataSourceProperties().containsKey(property)) {
            pool.addDataSourceProperty(property, value);
        }
    }
}
