package io.segmenthub.connector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connection pools to the databases connectors read from and push to (an ERP, a marketing
 * database), one small pool per URL and user, closed when the hub stops.
 */
@Component
public class JdbcConnections implements DisposableBean {

    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    public DataSource get(String url, String username, String password) {
        return pools.computeIfAbsent(url + "\u0000" + username, key -> {
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(url);
            hikari.setUsername(username);
            hikari.setPassword(password);
            hikari.setMaximumPoolSize(2);
            hikari.setMinimumIdle(0);
            hikari.setPoolName("source-" + pools.size());
            hikari.setInitializationFailTimeout(-1);
            return new HikariDataSource(hikari);
        });
    }

    @Override
    public void destroy() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
