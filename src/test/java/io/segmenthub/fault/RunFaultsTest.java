package io.segmenthub.fault;

import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.pipeline.SyncFailedException;
import io.segmenthub.pipeline.SyncRunner;
import io.segmenthub.profile.ResolutionMode;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults during a sync run, each followed by a rerun that must end exactly as a run that never
 * saw a fault. The store's connection lost in the middle of each stage of a run. The run fails cleanly (status
 * FAILED, a reason that names the lost connection and no personal data), leaves nothing half done
 * (no watermark moved; profiles, lineage, scores and memberships all as before the run or all as
 * after it; push state matching what the destinations hold, up to the rows the outbox remembers),
 * and a rerun ends with exactly the results of a run that never saw a fault, with no destination
 * having received a duplicate add. On H2 the connections are cut inside the JVM; on PostgreSQL
 * (the CI pass) the server itself drops them through {@code pg_terminate_backend}. Destinations
 * that refuse some rows or fail in the middle of a write. And on every path: no personal data and
 * no keystore password in the logs or the stored reasons.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ExtendWith({OutputCaptureExtension.class, Reliability.class})
class RunFaultsTest {

    @TempDir
    static Path root;
    static FaultWorld world;
    static Map<String, Object> clean;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) {
        world = new FaultWorld(root, 12).write();
        FaultStore.register(registry, world);
    }

    @TestConfiguration
    static class Faults {
        @Bean
        static BeanPostProcessor faultyStore() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds && name.equals("dataSource") ? StoreFaults.wrap(ds) : bean;
                }
            };
        }
    }

    @Autowired SyncRunner runner;
    @Autowired JdbcClient store;
    @Autowired DataSource dataSource;
    @Autowired Flyway flyway;
    @Autowired JdbcConnections connections;
    @Autowired ResolutionMode mode;

    @BeforeEach
    void cleanWorld() throws Exception {
        StoreFaults.disarm();
        FaultStore.reset(world, flyway, connections);
        if (clean == null) {
            runner.run("nightly", "test");
            clean = outcome().results();
            FaultStore.reset(world, flyway, connections);
        }
    }

    @AfterEach
    void disarm() {
        StoreFaults.disarm();
    }

    Outcome outcome() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            return Outcome.read(c, world);
        }
    }

    long count(String table) {
        return store.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // new records and their data keys go in with COPY on PostgreSQL, invisible to the proxy, after their ids are
            // reserved: there the second batch's first statement is the reservation of its data keys' ids (the third
            // reservation, after the first batch's keys and records)
            "pull: the second batch's data keys         | INSERT INTO data_key         | 2 | pg_get_serial_sequence | 3",
            // consent events go in with COPY on PostgreSQL: the gate's first statement the proxy sees is its read of the ledger
            "consent gate: reading the ledger            | FROM consent_event           | 1 | |",
            // new profiles and golden ids go in with COPY on PostgreSQL, out of the proxy's sight: the fault comes as the
            // stage counts the active profiles, after those writes, in the same transaction
            "resolve: counting profiles after placing records | FROM golden_profile WHERE merged_into IS NULL AND erased_at | 1 | |",
            // scores go in with COPY on PostgreSQL, which the fault proxy cannot see: the stage's first write is the clearing
            "score: writing scores                       | DELETE FROM profile_score    | 1 | |",
            "segments: writing memberships               | INSERT INTO segment_membership | 1 | |",
            "push: recording the outbox                  | INSERT INTO push_outbox      | 1 | |",
            "push: confirming the file destination       | INSERT INTO push_state       | 1 | |",
            "push: confirming the database destination   | INSERT INTO push_state       | 2 | |"})
    void connectionLostMidStageFailsCleanlyAndARerunEndsAsACleanRun(String stage, String sql, int occurrence, String postgresSql,
                                                                     Integer postgresOccurrence, CapturedOutput output) throws Exception {
        if (FaultStore.onPostgres() && postgresSql != null) {
            StoreFaults.arm(postgresSql.strip(), postgresOccurrence, StoreFaults.Mode.TERMINATE);
        } else {
            StoreFaults.arm(sql.strip(), occurrence, FaultStore.onPostgres() ? StoreFaults.Mode.TERMINATE : StoreFaults.Mode.CUT);
        }
        StoreFaults.terminateVia(FaultStore.postgresUrl(), "postgres");

        assertThatThrownBy(() -> runner.run("nightly", "test")).isInstanceOf(SyncFailedException.class);
        assertThat(StoreFaults.fired()).as("the fault was injected").isTrue();
        StoreFaults.disarm();

        // failed cleanly: a reason, no personal data, nothing committed that the rerun could not redo
        String error = store.sql("SELECT error FROM sync_run WHERE status = 'FAILED'").query(String.class).single();
        assertThat(error).isNotBlank();
        assertThat(FaultStore.leaks(error, world)).isEmpty();
        assertThat(count("watermark")).as("no watermark moved").isZero();
        Outcome after = outcome();
        boolean profilesCommitted = count("golden_profile") > 0;
        if (profilesCommitted) {
            // the fault came after the profile stages committed: all of them are there, together
            assertThat(after.memberships()).isEqualTo(clean.get("memberships"));
            assertThat(after.profiles()).isEqualTo(clean.get("profiles"));
        } else {
            assertThat(count("golden_attribute") + count("profile_score") + count("segment_membership")).isZero();
            assertThat(count("push_state")).isZero();
        }
        // what the store says was pushed is in the destinations; the rest is remembered in the outbox
        assertThat(after.newsletterList()).containsAll(after.pushState().getOrDefault("newsletter/buyers", new java.util.TreeSet<>()));

        var rerun = runner.run("nightly", "test");

        Outcome result = outcome();
        assertThat(result.results()).isEqualTo(clean);
        assertThat(result.changeAnomalies()).isEmpty();
        assertThat(result.outboxRows()).isZero();
        if (sql.contains("push_state")) {
            // the destination had the rows: confirmed from what it holds, not sent again
            assertThat(rerun.report().destinations().values().stream().mapToLong(d -> d.recovered()).sum()).isPositive();
        }
        assertThat(FaultStore.leaks(output.getAll() + store.sql("SELECT error FROM sync_run WHERE error IS NOT NULL")
                .query(String.class).list(), world)).isEmpty();
        assertThat(output.getAll()).doesNotContain(FaultStore.keystorePassword(world));
        Reliability.record("store", "store connection lost during " + stage.strip()
                        + (FaultStore.onPostgres() ? " (PostgreSQL: pg_terminate_backend)" : " (H2: connections cut)"),
                "run FAILED with the reason (" + FaultStore.shorten(error) + "); the rerun SUCCEEDED with a clean run's results"
                        + (sql.contains("push_state") ? ", confirming the rows the destination already had instead of resending them" : ""),
                "nothing");
    }

    /**
     * A run stores a changed record and fails before its resolution commits. The next run pulls
     * the record exactly as the failed run stored it, so it is not stored again; it must still be
     * resolved, as a full re-resolution right after confirms.
     */
    @Test
    void aRecordStoredByARunThatFailedBeforeResolvingIsResolvedByTheNextRun() throws Exception {
        runner.run("nightly", "test");
        Path crm = world.sources.resolve("crm.json");
        Files.writeString(crm, Files.readString(crm).replace(FaultWorld.email(3), FaultWorld.email(4)));
        StoreFaults.arm("FROM golden_profile WHERE merged_into IS NULL AND erased_at", 1,
                FaultStore.onPostgres() ? StoreFaults.Mode.TERMINATE : StoreFaults.Mode.CUT);
        StoreFaults.terminateVia(FaultStore.postgresUrl(), "postgres");
        assertThatThrownBy(() -> runner.run("nightly", "test")).isInstanceOf(SyncFailedException.class);
        assertThat(StoreFaults.fired()).as("the fault was injected").isTrue();
        StoreFaults.disarm();

        var rerun = runner.run("nightly", "test");

        assertThat(rerun.report().connector("crm").stored()).as("C-3 pulled as the failed run stored it").isZero();
        String failed = store.sql("SELECT id FROM sync_run WHERE status = 'FAILED'").query(String.class).single();
        assertThat(rerun.report().notes()).containsEntry("resolution.after failed runs", "the records stored by 1 run(s) that did not"
                + " succeed since the last that did are resolved with this run's: " + failed);
        Map<String, String> resolved = goldenByRecord();
        assertThat(resolved.get("crm/C-3")).as("C-3 now shares C-4's e-mail").isEqualTo(resolved.get("crm/C-4"));
        mode.requestFull();
        runner.run("nightly", "test");
        assertThat(goldenByRecord()).as("a full re-resolution changes nothing").isEqualTo(resolved);
        Reliability.record("store", "store connection lost after a changed record was stored, before it was resolved",
                "run FAILED; the next run resolves the record although it pulls it unchanged", "nothing");
    }

    Map<String, String> goldenByRecord() {
        Map<String, String> golden = new java.util.TreeMap<>();
        store.sql("SELECT r.system, r.record_id, g.golden_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id")
                .query(rs -> {
                    golden.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
                });
        return golden;
    }

    @Test
    void aRunStartedWhileTheStoreIsAwayFailsAndTheNextOneSucceeds() throws Exception {
        StoreFaults.arm("INSERT INTO sync_run", 1, StoreFaults.Mode.CUT);
        StoreFaults.terminateVia(FaultStore.postgresUrl(), "postgres");

        assertThatThrownBy(() -> runner.run("nightly", "test")).isInstanceOf(RuntimeException.class);
        StoreFaults.disarm();
        assertThat(count("sync_run")).isZero();

        runner.run("nightly", "test");
        assertThat(outcome().results()).isEqualTo(clean);
        Reliability.record("store", "store unreachable when a run starts",
                "the run is refused before it pulls anything; the next run succeeds", "nothing");
    }

    @Test
    void aRowTheDestinationTableRefusesIsRetriedNextRunAndTheOthersAreNotSentAgain() throws Exception {
        JdbcTemplate destination = new JdbcTemplate(connections.get(world.destinationUrl, "sa", null));
        destination.execute("CREATE TABLE hub_segment_members (segment_id VARCHAR(64) NOT NULL, golden_id VARCHAR(40) NOT NULL, "
                + "external_id VARCHAR(200), updated_at TIMESTAMP NOT NULL, PRIMARY KEY (segment_id, golden_id), "
                + "CONSTRAINT no_k4 CHECK (external_id <> 'K-4'))");

        var first = runner.run("nightly", "test").report().destination("erp-accounts");
        assertThat(first.rejected()).isEqualTo(1);
        assertThat(first.rejectedBy().keySet()).singleElement().asString()
                .startsWith("refused by table hub_segment_members: ").containsIgnoringCase("no_k4");
        assertThat(destination.queryForList("SELECT external_id FROM hub_segment_members", String.class)).doesNotContain("K-4").isNotEmpty();
        var accepted = destination.queryForList("SELECT golden_id, updated_at FROM hub_segment_members ORDER BY golden_id");

        var second = runner.run("nightly", "test").report().destination("erp-accounts");
        assertThat(second.adds()).as("accepted rows are not sent again").isZero();
        assertThat(second.rejected()).as("the refused row is tried again").isEqualTo(1);
        assertThat(destination.queryForList("SELECT golden_id, updated_at FROM hub_segment_members ORDER BY golden_id")).isEqualTo(accepted);

        destination.execute("ALTER TABLE hub_segment_members DROP CONSTRAINT no_k4");
        var third = runner.run("nightly", "test").report().destination("erp-accounts");
        assertThat(third.adds()).isEqualTo(1);
        assertThat(third.rejected()).isZero();
        assertThat(outcome().results()).isEqualTo(clean);
        assertThat(destination.queryForList("SELECT golden_id, updated_at FROM hub_segment_members WHERE external_id <> 'K-4' ORDER BY golden_id"))
                .isEqualTo(accepted);
        Reliability.record("destination", "database destination refuses one row of a batch (check constraint)",
                "the other rows written and confirmed; the refused row counted in the run report with the database's reason, "
                        + "the run SUCCEEDED; the next runs sent only that row again, and once the table took it the results equal a clean run's",
                "nothing");
    }

    @Test
    void theFileDestinationFailingMidWriteSendsNothingTwice() throws Exception {
        // the list file is written, then the changes file cannot be: its folder is a plain file
        java.nio.file.Files.createDirectories(world.out);
        java.nio.file.Files.writeString(world.out.resolve("buyers"), "not a folder");

        assertThatThrownBy(() -> runner.run("nightly", "test")).isInstanceOf(SyncFailedException.class)
                .hasMessageContaining("destination 'newsletter'");
        assertThat(store.sql("SELECT COUNT(*) FROM push_state WHERE destination_id = 'newsletter'").query(Long.class).single()).isZero();
        assertThat(store.sql("SELECT COUNT(*) FROM push_outbox WHERE destination_id = 'newsletter'").query(Long.class).single()).isPositive();

        java.nio.file.Files.delete(world.out.resolve("buyers"));
        runner.run("nightly", "test");

        Outcome result = outcome();
        assertThat(result.results()).isEqualTo(clean);
        assertThat(result.changeAnomalies()).isEmpty();
        try (var files = java.nio.file.Files.list(world.out.resolve("buyers"))) {
            assertThat(files.filter(f -> f.toString().endsWith("-changes.csv")).count()).isEqualTo(1);
        }
        Reliability.record("destination", "file destination fails in the middle of a write (list written, changes file not)",
                "retried with back-off, then the run FAILED naming the destination; nothing confirmed, the push left in the outbox; "
                        + "the rerun found no changes file, so it wrote one changes file with every add, once",
                "nothing");
    }
}
