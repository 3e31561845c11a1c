package io.segmenthub.schedule;

import io.segmenthub.pipeline.SyncBusyException;
import io.segmenthub.pipeline.SyncRunner;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.UUID;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Schedule ticks against a real store: a tick starts one run, whichever schedulers fired it. */
class ScheduledSyncsTest {

    static final Instant NOW = Instant.parse("2026-11-23T02:00:00.120Z");
    static final Date TICK = Date.from(Instant.parse("2026-11-23T02:00:00Z"));

    SyncTicks ticks;
    SyncRunner runner = mock(SyncRunner.class);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @BeforeEach
    void store() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:ticks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        ticks = new SyncTicks(JdbcClient.create(ds));
    }

    ScheduledSyncs instance(String id) {
        return new ScheduledSyncs(runner, ticks, new HubInstance(id, "test-host"), clock);
    }

    @Test
    void aTickFiredOnTwoInstancesStartsOneRun() {
        instance("hub-a").fire("nightly", TICK);
        instance("hub-b").fire("nightly", TICK);

        verify(runner, times(1)).run("nightly", ScheduledSyncs.TRIGGER);
    }

    @Test
    void everyTickAndEverySyncGetsItsOwnRun() {
        instance("hub-a").fire("nightly", TICK);
        instance("hub-b").fire("nightly", Date.from(TICK.toInstant().plusSeconds(5)));
        instance("hub-b").fire("hourly", TICK);

        verify(runner, times(2)).run("nightly", ScheduledSyncs.TRIGGER);
        verify(runner, times(1)).run("hourly", ScheduledSyncs.TRIGGER);
    }

    @Test
    void aTickThatFindsTheLeaseTakenIsSkippedWithoutFailingTheQuartzJob() {
        when(runner.run(anyString(), anyString())).thenThrow(new SyncBusyException("busy elsewhere", "hub-a", NOW));

        instance("hub-b").fire("nightly", TICK); // must not throw: the trigger keeps its schedule

        verify(runner).run("nightly", ScheduledSyncs.TRIGGER);
    }
}
