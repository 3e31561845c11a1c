package io.segmenthub.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * Run figures for Prometheus ({@code /actuator/prometheus}): records per connector and stage
 * outcome, quarantines by reason, rows the consent gate kept out by purpose, pushes per
 * destination, run durations by outcome. Tags carry ids and reasons only, never record data.
 */
@Component
public class RunMetrics {

    private final MeterRegistry registry;

    public RunMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void finished(SyncRun run, String outcome, Instant at) {
        Timer.builder("segmenthub.run.duration").description("Sync run wall time").tag("sync", run.syncId()).tag("outcome", outcome)
                .register(registry).record(Duration.between(run.startedAt(), at));
        if (!outcome.equals("succeeded")) {
            return;
        }
        RunReport report = run.report();
        report.connectors().forEach((id, c) -> {
            count("segmenthub.records", c.pulled(), "connector", id, "outcome", "pulled");
            count("segmenthub.records", c.stored(), "connector", id, "outcome", "stored");
            count("segmenthub.records", c.unchanged(), "connector", id, "outcome", "unchanged");
            c.quarantined().forEach((reason, n) -> count("segmenthub.quarantined", n, "connector", id, "reason", reason));
            c.droppedByConsent().forEach((purpose, n) -> count("segmenthub.consent.dropped", n, "connector", id, "purpose", purpose));
        });
        count("segmenthub.profiles", report.profiles().created(), "change", "created");
        count("segmenthub.profiles", report.profiles().updated(), "change", "updated");
        count("segmenthub.profiles", report.profiles().merged(), "change", "merged");
        report.destinations().forEach((id, d) -> {
            count("segmenthub.pushes", d.adds(), "destination", id, "result", "added");
            count("segmenthub.pushes", d.removes(), "destination", id, "result", "removed");
            count("segmenthub.pushes", d.withheldWithoutConsent(), "destination", id, "result", "withheld");
        });
        report.stageMillis().forEach((stage, millis) -> Timer.builder("segmenthub.stage.duration").tag("stage", stage)
                .register(registry).record(Duration.ofMillis(millis)));
    }

    private void count(String name, long n, String... tags) {
        Counter.builder(name).tags(tags).register(registry).increment(n);
    }
}
