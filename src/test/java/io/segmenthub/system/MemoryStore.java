package io.segmenthub.system;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import javax.sql.DataSource;
import java.util.UUID;

/** A fresh in-memory H2 database, bare or as a hub store with every migration applied, for tests of one store class. */
public final class MemoryStore {

    private MemoryStore() {
    }

    /** A new database with no tables; {@code name} only makes the database's name readable in a failure. */
    public static DataSource empty(String name) {
        return new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    /** A new, empty hub store: every migration applied, no rows. */
    public static DataSource migrated(String name) {
        DataSource ds = empty(name);
        Flyway.configure().dataSource(ds).load().migrate();
        return ds;
    }
}
