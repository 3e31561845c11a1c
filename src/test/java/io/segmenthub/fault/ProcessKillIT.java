package io.segmenthub.fault;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the packaged hub in the middle of a run, several times, then a run to the end. Each
 * start runs one sync ({@code --sync-now}); the test watches {@code /api/runs/current} and kills
 * the process as soon as the run reaches the stage it aims at (pull; the profile stages, which
 * commit together; push). Afterwards, reading the hub's H2 store and the destinations directly:
 * every source record is stored once, every person is one profile, watermarks are where the data
 * ends, segment memberships and both destinations hold exactly who they should, no changes file
 * adds a member twice or removes one who was not there, nothing is left in the push outbox, the
 * killed runs are marked failed, and no log holds a person's data or the keystore password.
 *
 * <p>No test-only knob in the hub: the stages are hit by watching, so the test records the stage
 * each kill actually landed in (a fast stage can be passed between two polls).
 */
@ExtendWith(Reliability.class)
class ProcessKillIT {

    private static final List<String> STAGES = List.of("starting", "pull", "resolve", "golden", "score", "cluster", "segments", "push", "commit");

    @TempDir
    Path root;

    @Test
    void killedInEachStageAndRestartedEveryRecordCountsOnceAndNoDestinationGetsADuplicate() throws Exception {
        Assumptions.assumeTrue(Files.exists(HubChild.jar()), "needs target/segment-hub.jar (mvn verify packages it before failsafe runs)");
        // the child hub runs on its embedded store whatever store the suite tests, so CI runs it once, in the H2 pass
        Assumptions.assumeFalse("postgres".equals(System.getenv("SEGMENT_HUB_CI_PASS")), "ran in CI's H2 pass; the child hub uses the embedded store");
        int people = 150;
        FaultWorld world = new FaultWorld(root, people, true).write();
        String password = "kill-suite-" + UUID.randomUUID();
        // the ERP is seeded here, not by the hub's init-script, so a kill cannot land in the middle of seeding the fixture
        try (Connection erp = DriverManager.getConnection(world.erpUrl, "sa", "")) {
            erp.createStatement().execute("RUNSCRIPT FROM '" + world.sources.resolve("erp.sql").toAbsolutePath() + "'");
        }

        List<String> killed = new ArrayList<>();
        int attempt = 0;
        for (String target : List.of("pull", "score", "push")) {
            try (HubChild hub = HubChild.start(world, password, attempt++)) {
                waitForStage(hub, target).ifPresent(stage -> {
                    try {
                        hub.kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    killed.add(stage);
                });
            }
        }
        try (HubChild hub = HubChild.start(world, password, attempt)) {
            waitForOutput(hub, " succeeded");
        }

        Outcome outcome;
        List<String> statuses = new ArrayList<>();
        try (Connection store = DriverManager.getConnection("jdbc:h2:file:" + world.data.resolve("hub").toAbsolutePath(), "sa", "")) {
            outcome = Outcome.read(store, world);
            Outcome.query(store, "SELECT status FROM sync_run ORDER BY started_at", rs -> statuses.add(rs.getString(1)));
        }

        StringBuilder logs = new StringBuilder();
        for (int i = 0; i <= attempt; i++) {
            logs.append(Files.readString(world.root.resolve("hub-" + i + ".log")));
        }
        try {
            int even = people / 2;
            long newsletter = java.util.stream.IntStream.rangeClosed(1, people).filter(i -> i % 2 == 0 && i % 3 != 0 && i % 5 != 0).count();
            long bigSpenders = java.util.stream.IntStream.rangeClosed(1, people).filter(i -> i % 2 == 0 && i % 7 >= 3).count();
            assertThat(outcome.counts()).containsEntry("source_record", (long) people + even).containsEntry("purchase", (long) even)
                    .containsEntry("active profiles", (long) people);
            assertThat(outcome.profiles()).hasSize(people);
            assertThat(outcome.memberships().get("buyers")).hasSize(even);
            assertThat(outcome.memberships().get("big-spenders")).hasSize((int) bigSpenders);
            assertThat(outcome.pushState().get("newsletter/buyers")).hasSize((int) newsletter).isEqualTo(outcome.newsletterList());
            assertThat(outcome.destinationTable()).hasSize((int) bigSpenders);
            assertThat(outcome.watermarks()).containsKeys("erp-customers", "erp-orders");
            assertThat(outcome.changeAnomalies()).isEmpty();
            assertThat(outcome.outboxRows()).isZero();
            assertThat(statuses).last().isEqualTo("SUCCEEDED");
            // a killed run is marked FAILED at the next start; one killed after it recorded its success stays SUCCEEDED
            assertThat(statuses).doesNotContain("RUNNING").filteredOn("FAILED"::equals).hasSizeBetween(Math.max(0, killed.size() - 1), killed.size());

            assertThat(FaultStore.leaks(logs.toString(), world)).isEmpty();
            assertThat(logs.toString()).doesNotContain(password);
        } catch (AssertionError e) {
            // a kill lands at a different moment on every machine: say where it landed and what each run reported
            throw new AssertionError(e.getMessage() + "\nkilled in " + killed + "; runs " + statuses + "; the runs' summary lines:\n"
                    + runSummaries(logs.toString()), e);
        }

        for (String stage : killed) {
            Reliability.record("process", "kill -9 of the hub (packaged jar) during " + stage,
                    "the killed run was marked FAILED (interrupted) at the next start and pulled again; profile stages commit together; "
                            + "pushes delivered but unconfirmed were confirmed from the destination, not resent; the final run SUCCEEDED with "
                            + people + " profiles and both destinations exact",
                    "nothing: every record stored once, no duplicate add or missed remove in the changes files or the table");
        }
        Reliability.record("security", "personal data and the keystore password in the logs of killed and restarted hubs",
                "none found in " + (attempt + 1) + " processes' output", "nothing");
    }

    /** Polls the run API until the run reaches {@code target} (or a later stage); empty if the run ended first. */
    private static Optional<String> waitForStage(HubChild hub, String target) throws Exception {
        long deadline = System.nanoTime() + 180_000_000_000L;
        boolean seenRun = false;
        while (System.nanoTime() < deadline && hub.process.isAlive()) {
            Optional<String> stage = hub.stage();
            if (stage.isPresent()) {
                seenRun = true;
                if (STAGES.indexOf(stage.get()) >= STAGES.indexOf(target)) {
                    return stage;
                }
            } else if (seenRun || hub.output().contains(" succeeded")) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the hub did not reach stage " + target + " in time; its output:\n" + tail(hub.output()));
    }

    private static void waitForOutput(HubChild hub, String text) throws Exception {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < deadline && hub.process.isAlive()) {
            if (hub.output().contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the hub did not log '" + text + "'; its output:\n" + tail(hub.output()));
    }

    /** The hub's per-run summary lines (counts and ids only) and its warnings and errors. */
    private static String runSummaries(String logs) {
        return String.join("\n", logs.lines()
                .filter(l -> l.contains(" stage=") || l.contains(" succeeded") || l.contains(" failed") || l.contains(" WARN ")
                        || l.contains(" ERROR "))
                .toList());
    }

    private static String tail(String output) {
        return output.length() > 4000 ? output.substring(output.length() - 4000) : output;
    }
}
