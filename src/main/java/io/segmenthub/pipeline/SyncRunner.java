package io.segmenthub.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.audit.AuditCheckpoints;
import io.segmenthub.audit.AuditLog;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.ConnectorKind;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.connector.Watermarks;
import io.segmenthub.schedule.RunLease;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubProperties;
import io.segmenthub.system.StoreStatistics;
import io.segmenthub.system.SyncSchedule;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Starts sync runs (from the schedule, the API or the command line), one at a time, and closes
 * them: on success it commits watermarks and drop-folder moves and stores the report; on failure
 * it stores the reason and commits nothing, so the next run pulls the same data again. The stages
 * themselves are the Camel route {@code pipeline-sync} in {@code routes/sync.yaml}.
 */
@Component
public class SyncRunner {

    public static final String DEFAULT_SYNC = "manual";
    private static final Logger log = LoggerFactory.getLogger(SyncRunner.class);
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private final HubConfig config;
    private final ProducerTemplate camel;
    private final SyncRunStore runs;
    private final Watermarks watermarks;
    private final AuditLog audit;
    private final AuditCheckpoints checkpoints;
    private final ObjectMapper json;
    private final Clock clock;
    private final RunMetrics metrics;
    private final RunLease lease;
    private final StoreStatistics statistics;
    private final int h2AdvisedProfiles;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private volatile SyncRun current;

    public SyncRunner(HubConfig config, ProducerTemplate camel, SyncRunStore runs, Watermarks watermarks, AuditLog audit,
                      AuditCheckpoints checkpoints, ObjectMapper json, Clock clock, RunMetrics metrics, RunLease lease,
                      StoreStatistics statistics, HubProperties properties) {
        this.metrics = metrics;
        this.h2AdvisedProfiles = properties.h2AdvisedProfiles();
        this.statistics = statistics;
        this.lease = lease;
        this.config = config;
        this.camel = camel;
        this.runs = runs;
        this.watermarks = watermarks;
        this.audit = audit;
        this.checkpoints = checkpoints;
        this.json = json;
        this.clock = clock;
    }

    /** The run in progress in this process, if any: its live report and progress. */
    public java.util.Optional<SyncRun> current() {
        return java.util.Optional.ofNullable(current);
    }

    public SyncRun run(String syncId, String trigger) {
        if (!oneAtATime.tryLock()) {
            SyncRun going = current;
            throw new SyncBusyException("sync run " + (going == null ? "(starting)" : going.id()) + " is in progress on this instance ("
                    + lease.instanceId() + ")", lease.instanceId(), going == null ? null : going.startedAt());
        }
        // the run lease keeps runs apart across instances too; it throws SyncBusyException naming the holder
        try (RunLease.Held held = lease.acquire(syncId)) {
            SyncRun run = begin(syncId, trigger);
            held.running(run.id());
            current = run;
            MDC.put("run", run.id());
            try {
                camel.requestBody("direct:sync-run", run);
                run.progress("commit", null, 0, 1);
                held.confirm(); // still ours: no other instance has started a run over this one
                complete(run);
                return run;
            } catch (RuntimeException e) {
                Throwable cause = rootOf(e);
                String reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                runs.finished(run.id(), "FAILED", clock.instant(), reason, report(run));
                metrics.finished(run, "failed", clock.instant());
                log.error("run={} failed: {}", run.id(), reason);
                throw new SyncFailedException(run.id(), reason, cause);
            } finally {
                MDC.remove("run");
                current = null;
            }
        } finally {
            oneAtATime.unlock();
        }
    }

    private SyncRun begin(String syncId, String trigger) {
        SyncSchedule sync = config.sync(syncId).orElse(new SyncSchedule(syncId, "-", List.of(), List.of()));
        List<ConnectorConfig> connectors = new ArrayList<>(sync.connectors().isEmpty() ? config.connectors()
                : sync.connectors().stream().map(config::connector).toList());
        // consent sources first, so this run's opt-ins and withdrawals gate this run's data
        connectors.sort(Comparator.comparingInt(c -> c.kindOrDefault() == ConnectorKind.CONSENT ? 0 : 1));
        List<String> destinations = sync.destinations().isEmpty()
                ? config.destinations().stream().map(DestinationConfig::id).toList() : sync.destinations();
        Instant now = clock.instant();
        String id = RUN_ID.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
        SyncRun run = new SyncRun(id, syncId, trigger, now, connectors.stream().map(ConnectorConfig::id).toList(), destinations);
        runs.started(run);
        log.info("run={} sync={} trigger={} started: {} connectors, {} destinations", id, syncId, trigger,
                run.connectorIds().size(), destinations.size());
        return run;
    }

    private void complete(SyncRun run) {
        watermarks.commit(run.pendingWatermarks(), run.id());
        run.commits().forEach(Runnable::run);
        var report = run.report();
        storeAdvice(report.profiles().total()).ifPresent(advice -> {
            report.note("store", advice);
            log.warn("run={} {}", run.id(), advice);
        });
        runs.finished(run.id(), "SUCCEEDED", clock.instant(), null, report(run));
        metrics.finished(run, "succeeded", clock.instant());
        audit.append(new AuditLog.Entry(run.id(), "sync", "SYNC_RUN", null, "sync=" + run.syncId() + " trigger=" + run.trigger()
                + " status=succeeded profiles=" + report.profiles().total()));
        List<AuditLog.Entry> gate = new ArrayList<>();
        report.connectors().forEach((id, c) -> c.droppedByConsent().forEach((purpose, n) -> gate.add(new AuditLog.Entry(run.id(), "sync",
                "CONSENT_GATE", null, "connector=" + id + " purpose=" + purpose + " rows_not_stored=" + n))));
        audit.append(gate);
        checkpoints.sign("end of run " + run.id());
        long settling = System.nanoTime();
        List<String> settled = statistics.settle(); // the next run plans on the store this one left
        if (!settled.isEmpty()) {
            log.info("run={} store statistics refreshed for the next run in {} ms: {}", run.id(),
                    Duration.ofNanos(System.nanoTime() - settling).toMillis(), String.join(", ", settled));
        }
        report.connectors().forEach((id, c) -> log.info("run={} stage=pull connector={} pulled={} stored={} unchanged={} quarantined={} dropped={}",
                run.id(), id, c.pulled(), c.stored(), c.unchanged(), c.quarantinedTotal(), c.droppedTotal()));
        log.info("run={} stage=resolve created={} updated={} merged={} total={}", run.id(), report.profiles().created(),
                report.profiles().updated(), report.profiles().merged(), report.profiles().total());
        report.segments().forEach((id, s) -> log.info("run={} stage=segments segment={} size={} entered={} exited={}",
                run.id(), id, s.size(), s.entered(), s.exited()));
        report.destinations().forEach((id, d) -> log.info("run={} stage=push destination={} adds={} removes={} withheld={}",
                run.id(), id, d.adds(), d.removes(), d.withheldWithoutConsent()));
        log.info("run={} succeeded", run.id());
    }

    /** Advice to move to PostgreSQL once the embedded store holds more profiles than it suits. */
    private Optional<String> storeAdvice(long profiles) {
        if (statistics.postgres() || profiles <= h2AdvisedProfiles) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "the embedded H2 store holds %,d golden profiles; beyond %,d "
                + "use PostgreSQL (--spring.profiles.active=postgres, see README): on H2 large runs take several times longer "
                + "and its file grows to many times its data (56 GB for a million source rows, docs/benchmarks.md)", profiles, h2AdvisedProfiles));
    }

    /**
     * The failure a person can act on: the outermost of the hub's own exceptions (they name the
     * connector or destination and carry the cause), else the deepest cause below Camel's wrappers.
     */
    static Throwable rootOf(Throwable e) {
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("io.segmenthub.")) {
                return t;
            }
            deepest = t;
        }
        return deepest;
    }

    private String report(SyncRun run) {
        try {
            return json.writeValueAsString(run.report());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the run report always serialises", e);
        }
    }
}
