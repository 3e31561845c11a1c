package io.segmenthub.system;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * On PostgreSQL, every connection of the hub's pool plans each statement afresh
 * ({@code plan_cache_mode = force_custom_plan}). A first sync fills tables that were empty when it
 * began; the driver prepares a statement on the server after five uses, and PostgreSQL then keeps
 * one generic plan, chosen while the table was still empty (a sequential scan). On 100,000 records
 * the look-up of stored records got slower with every batch and ingest took 540 s instead of 29 s
 * (docs/benchmarks.md). A plan per execution costs well under a millisecond. Applied by the URL the
 * pool actually uses, whatever the profile, and left alone if the pool already has init SQL.
 */
@Component
class PostgresPlans implements BeanPostProcessor {

    static final String INIT_SQL = "SET plan_cache_mode = force_custom_plan";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null && pool.getJdbcUrl().startsWith("jdbc:postgresql:")
                && pool.getConnectionInitSql() == null) {
            pool.setConnectionInitSql(INIT_SQL);
        }
        return bean;
    }
}
