package io.segmenthub.system;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import javax.sql.DataSource;
import java.util.UUID;

/** A fresh in-memory H2 hub store with every migration applied, for tests of one store class. */
public final class MemoryStore {

    private MemoryStore() {
    }

    /** A new, empty store; {@code name} only makes the database's name readable in a failure. */
    public static DataSource migrated(String name) {
        String url = "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").load().migrate();
        return new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", "");
    }
}
