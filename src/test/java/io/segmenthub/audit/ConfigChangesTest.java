package io.segmenthub.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.BulkInsert;
import io.segmenthub.system.MemoryStore;
import io.segmenthub.system.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class ConfigChangesTest {

    @TempDir
    Path config;

    @Test
    void twoInstancesStartingAtOnceRecordEachChangeOnce() throws Exception {
        startingAtOnceRecordsEachChangeOnce(MemoryStore.migrated("config-changes"), config);
    }

    @Test
    void onPostgresTwoInstancesStartingAtOnceRecordEachChangeOnce() throws Exception {
        TestPostgres.inMigratedSchema("config_changes", (pool, schema) -> startingAtOnceRecordsEachChangeOnce(pool, config));
    }

    /**
     * Two instances of one deployment start with the same new config: the second waits for the
     * first's entries and finds nothing to add. A later start with one file edited records that edit.
     */
    static void startingAtOnceRecordsEachChangeOnce(DataSource ds, Path config) throws Exception {
        Files.writeString(config.resolve("hub.yml"), "hub:\n  default-region: GB\n");
        Files.writeString(config.resolve("purposes.yml"), "purposes: []\n");
        JdbcClient jdbc = JdbcClient.create(ds);
        AuditLog log = new AuditLog(jdbc, new BulkInsert(ds, new NamedParameterJdbcTemplate(ds)), Clock.systemUTC());

        boolean secondDoneBeforeFirstCommitted = AuditLogTest.secondDoneWhileFirstIsOpen(ds,
                () -> new ConfigChanges(config, log, jdbc).recordChanges(),
                () -> new ConfigChanges(config, log, jdbc).recordChanges());

        assertThat(secondDoneBeforeFirstCommitted).as("the second instance waits for the first's entries").isFalse();
        assertThat(details(jdbc)).containsExactly("hub.yml added", "purposes.yml added");

        Files.writeString(config.resolve("hub.yml"), "hub:\n  default-region: CN\n");
        new TransactionTemplate(new DataSourceTransactionManager(ds))
                .executeWithoutResult(status -> new ConfigChanges(config, log, jdbc).recordChanges());

        assertThat(details(jdbc)).containsExactly("hub.yml added", "purposes.yml added", "hub.yml changed");
        assertThat(log.verify().intact()).isTrue();
    }

    private static List<String> details(JdbcClient jdbc) {
        return jdbc.sql("SELECT subject || ' ' || SUBSTRING(detail, 1, POSITION(' ' IN detail) - 1) FROM audit_log WHERE action = 'CONFIG' ORDER BY id")
                .query(String.class).list();
    }
}
