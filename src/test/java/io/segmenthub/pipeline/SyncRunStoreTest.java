package io.segmenthub.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.system.MemoryStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class SyncRunStoreTest {

    static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");

    final JdbcClient jdbc = JdbcClient.create(MemoryStore.migrated("sync-run-store"));
    final SyncRunStore runs = new SyncRunStore(jdbc);

    void run(String id, int hour, String status) {
        runs.started(new SyncRun(id, "nightly", "schedule", T0.plusSeconds(3600L * hour), List.of(), List.of()));
        if (!status.equals("RUNNING")) {
            runs.finished(id, status, T0.plusSeconds(3600L * hour + 60), status.equals("FAILED") ? "store lost" : null, "{}");
        }
    }

    @Test
    void theRunsThatFailedAfterTheLastSuccessAreTheOnesWhoseRecordsMayNotBeResolved() {
        run("r1", 0, "FAILED");
        run("r2", 1, "SUCCEEDED");
        run("r3", 2, "FAILED");
        run("r4", 3, "FAILED");
        run("r5", 4, "RUNNING"); // left by a process that died, or the current run

        assertThat(runs.failedSinceLastSuccess("r5")).containsExactly("r3", "r4");
        assertThat(runs.failedSinceLastSuccess("r6")).containsExactly("r3", "r4", "r5");

        run("r6", 5, "SUCCEEDED");
        assertThat(runs.failedSinceLastSuccess("r7")).as("a success resolved what the runs before it left").isEmpty();
    }

    @Test
    void aStoreThatNeverSawARunSucceedHasEveryOtherRunToResolve() {
        assertThat(runs.failedSinceLastSuccess("r1")).isEmpty();
        run("r1", 0, "FAILED");
        assertThat(runs.failedSinceLastSuccess("r2")).containsExactly("r1");
    }
}
