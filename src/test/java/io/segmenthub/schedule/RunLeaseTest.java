package io.segmenthub.schedule;

import io.segmenthub.pipeline.SyncBusyException;
import io.segmenthub.pipeline.SyncRunStore;
import io.segmenthub.system.Timestamps;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The run lease on a real store (H2 with the hub's migrations); two RunLease objects play two instances. */
class RunLeaseTest {

    static final Duration TTL = Duration.ofSeconds(60);
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    JdbcClient jdbc;
    SyncRunStore runs;
    MutableClock clock = new MutableClock(T0);

    @BeforeEach
    void store() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:lease-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(ds);
        runs = new SyncRunStore(jdbc);
    }

    RunLease instance(String id) {
        return instance(id, clock, TTL, TTL.dividedBy(4));
    }

    RunLease instance(String id, Clock clock, Duration ttl, Duration heartbeat) {
        return new RunLease(new LeaseStore(jdbc), runs, new HubInstance(id, "test-host"), clock,
                new ClusterProperties(false, id, ttl, heartbeat));
    }

    void runningRow(String runId) {
        jdbc.sql("INSERT INTO sync_run (id, sync_id, trigger_kind, status, started_at) VALUES (:id, 'nightly', 'schedule', 'RUNNING', :at)")
                .param("id", runId).param("at", Timestamps.utc(clock.instant())).update();
    }

    String status(String runId) {
        return jdbc.sql("SELECT status || ' ' || COALESCE(error, '') || ' @' || COALESCE(instance_id, '') FROM sync_run WHERE id = :id")
                .param("id", runId).query(String.class).single();
    }

    @Test
    void aSecondRunWhileTheLeaseIsHeldIsRefusedNamingTheHolderAndSinceWhen() {
        RunLease a = instance("hub-a");
        RunLease b = instance("hub-b");
        try (RunLease.Held held = a.acquire("nightly")) {
            runningRow("run-1");
            held.running("run-1");
            clock.advance(Duration.ofSeconds(5));

            assertThatThrownBy(() -> b.acquire("manual"))
                    .isInstanceOfSatisfying(SyncBusyException.class, e -> {
                        assertThat(e.holder()).contains("hub-a");
                        assertThat(e.since()).contains(T0);
                        assertThat(e.getMessage()).contains("run-1", "'nightly'", "instance hub-a", "since " + T0);
                    });
            assertThat(b.live()).hasValueSatisfying(l -> {
                assertThat(l.holder()).isEqualTo("hub-a");
                assertThat(l.runId()).contains("run-1");
                assertThat(l.stale()).isFalse();
            });
            assertThat(status("run-1")).isEqualTo("RUNNING  @hub-a");
        }
    }

    @Test
    void aReleasedLeaseIsTakenByTheNextRunOnAnyInstance() {
        RunLease a = instance("hub-a");
        RunLease b = instance("hub-b");
        a.acquire("nightly").close();

        try (RunLease.Held held = b.acquire("nightly")) {
            assertThat(a.live()).hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo("hub-b"));
        }
        assertThat(a.current()).isEmpty();
    }

    @Test
    void leasesAreTakenAtomicallyWhenInstancesRace() throws Exception {
        List<RunLease> instances = List.of(instance("hub-a"), instance("hub-b"), instance("hub-c"));
        ExecutorService pool = Executors.newFixedThreadPool(instances.size());
        try {
            for (int round = 0; round < 20; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<RunLease.Held>> attempts = new ArrayList<>();
                for (RunLease lease : instances) {
                    attempts.add(pool.submit(() -> {
                        start.await();
                        try {
                            return lease.acquire("nightly");
                        } catch (SyncBusyException e) {
                            return null;
                        }
                    }));
                }
                start.countDown();
                List<RunLease.Held> winners = new ArrayList<>();
                for (Future<RunLease.Held> attempt : attempts) {
                    RunLease.Held held = attempt.get();
                    if (held != null) {
                        winners.add(held);
                    }
                }
                assertThat(winners).as("round %d", round).hasSize(1);
                winners.forEach(RunLease.Held::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Nested
    class WhenTheHolderDies {

        @Test
        void itsExpiredLeaseIsTakenOverAndItsRunMarkedAbandoned() {
            RunLease a = instance("hub-a");
            RunLease.Held dead = a.acquire("nightly");
            runningRow("run-1");
            dead.running("run-1");
            a.destroy(); // hub-a is killed: no heartbeat, no release

            clock.advance(TTL.minusSeconds(1));
            assertThatThrownBy(() -> instance("hub-b").acquire("nightly")).isInstanceOf(SyncBusyException.class);

            clock.advance(Duration.ofSeconds(2));
            RunLease b = instance("hub-b");
            try (RunLease.Held held = b.acquire("nightly")) {
                assertThat(status("run-1")).startsWith("FAILED abandoned: instance hub-a stopped during the run")
                        .contains("stopped renewing its run lease at " + T0);
                assertThat(b.live()).hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo("hub-b"));
                // the dead run, had it only stalled, can no longer commit over the new one
                assertThatThrownBy(dead::confirm).isInstanceOf(RunLeaseLostException.class).hasMessageContaining("run-1");
            }
        }

        @Test
        void onThisHostItsLeaseIsTakenOverAtOnceWhenItsProcessIsGone() throws Exception {
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            RunLease a = new RunLease(new LeaseStore(jdbc), runs, new HubInstance("test-host:" + gone.pid(), "test-host"), clock,
                    new ClusterProperties(false, null, TTL, TTL.dividedBy(4)));
            runningRow("run-1");
            a.acquire("nightly").running("run-1");
            a.destroy();

            RunLease b = instance("test-host:" + ProcessHandle.current().pid());
            assertThat(b.current()).hasValueSatisfying(l -> assertThat(l.stale()).isTrue());
            assertThat(b.liveRun()).isEmpty();
            try (RunLease.Held held = b.acquire("nightly")) {
                assertThat(status("run-1")).contains("FAILED abandoned", "its process is gone");
            }
        }

        @Test
        void aLiveHolderOnThisHostKeepsItsLeaseUntilItExpires() {
            RunLease a = instance("test-host:" + ProcessHandle.current().pid());
            try (RunLease.Held held = a.acquire("nightly")) {
                assertThatThrownBy(() -> instance("test-host:1").acquire("nightly")).isInstanceOf(SyncBusyException.class);
            }
        }

        @Test
        void startUpLeavesTheRunOfALiveLeaseAloneAndFailsTheOthers() {
            runningRow("run-old");
            RunLease a = instance("hub-a");
            try (RunLease.Held held = a.acquire("nightly")) {
                runningRow("run-live");
                held.running("run-live");

                int interrupted = runs.abandonInterrupted(clock.instant(), instance("hub-b").liveRun());

                assertThat(interrupted).isEqualTo(1);
                assertThat(status("run-old")).startsWith("FAILED interrupted");
                assertThat(status("run-live")).startsWith("RUNNING");
            }
        }
    }

    @Test
    void aLiveRunKeepsItsLeaseByHeartbeat() throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        RunLease a = instance("hub-a", Clock.systemUTC(), ttl, Duration.ofMillis(200));
        RunLease b = instance("hub-b", Clock.systemUTC(), ttl, Duration.ofMillis(200));
        try (RunLease.Held held = a.acquire("nightly")) {
            Thread.sleep(ttl.toMillis() + 1500);

            assertThatThrownBy(() -> b.acquire("nightly")).isInstanceOf(SyncBusyException.class);
            held.confirm();
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
