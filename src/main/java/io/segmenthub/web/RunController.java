package io.segmenthub.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.pipeline.QuarantineStore;
import io.segmenthub.pipeline.SyncBusyException;
import io.segmenthub.pipeline.SyncFailedException;
import io.segmenthub.pipeline.SyncRunStore;
import io.segmenthub.pipeline.SyncRunner;
import io.segmenthub.schedule.RunLease;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The run API: start a sync, list runs, read a run's report and quarantine (reasons and
 * references only: quarantined payloads stay sealed).
 */
@RestController
@RequestMapping("/api/runs")
class RunController {

    private final SyncRunner runner;
    private final SyncRunStore runs;
    private final QuarantineStore quarantine;
    private final ObjectMapper json;
    private final RunLease lease;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sync-api");
        t.setDaemon(true);
        return t;
    });

    private io.segmenthub.profile.ResolutionMode resolutionMode;

    @org.springframework.beans.factory.annotation.Autowired
    void setResolutionMode(io.segmenthub.profile.ResolutionMode resolutionMode) {
        this.resolutionMode = resolutionMode;
    }

    RunController(SyncRunner runner, SyncRunStore runs, QuarantineStore quarantine, ObjectMapper json, RunLease lease) {
        this.runner = runner;
        this.lease = lease;
        this.runs = runs;
        this.quarantine = quarantine;
        this.json = json;
    }

    /**
     * Starts a run in the background; poll {@code GET /api/runs} for it. 409 while another run is
     * going, on this instance or any other sharing the store, naming the instance and since when.
     */
    @PostMapping
    ResponseEntity<Map<String, Object>> start(@RequestParam(defaultValue = SyncRunner.DEFAULT_SYNC) String sync,
                                              @RequestParam(defaultValue = "false") boolean fullResolve) {
        var held = lease.live();
        if (held.isPresent()) {
            var l = held.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "sync run " + l.runId().orElse("(starting)") + " of sync '" + l.syncId() + "' is in progress on instance "
                    + l.holder() + " since " + l.since());
            body.put("holder", l.holder());
            body.put("since", l.since().toString());
            body.put("run", l.runId().orElse(null));
            body.put("lastHeartbeat", l.heartbeatAt().toString());
            return ResponseEntity.status(HttpStatus.CONFLICT).body(body);
        }
        if (fullResolve && resolutionMode != null) {
            resolutionMode.requestFull();
        }
        Instant requested = Instant.now();
        String who = Actors.current("api");
        String actor = who.substring(0, Math.min(who.length(), 32)); // the run's trigger column holds 32 characters
        background.submit(() -> {
            try {
                runner.run(sync, actor);
            } catch (SyncFailedException | SyncBusyException e) {
                // the failure is in the run history with its reason
            }
        });
        return ResponseEntity.accepted().body(Map.of("sync", sync, "requestedAt", requested.toString(), "runs", "/api/runs"));
    }

    @GetMapping
    List<Map<String, Object>> list(@RequestParam(defaultValue = "20") int limit) {
        return runs.recent(Math.min(Math.max(limit, 1), 200)).stream().map(r -> summary(r, false)).toList();
    }

    /** The run in progress: stage, connector or destination in hand, done / total, records pulled so far. 204 when idle. */
    @GetMapping("/current")
    ResponseEntity<Map<String, Object>> current() {
        return runner.current().map(run -> {
            Map<String, Object> out = new LinkedHashMap<>();
            var progress = run.progress();
            out.put("id", run.id());
            out.put("sync", run.syncId());
            out.put("startedAt", run.startedAt().toString());
            out.put("stage", progress.stage());
            out.put("step", progress.step());
            out.put("done", progress.done());
            out.put("total", progress.total());
            out.put("recordsPulled", run.report().pulledSoFar());
            out.put("stageMillis", run.report().stageMillis());
            out.put("instance", lease.instanceId());
            lease.current().ifPresent(l -> {
                out.put("leaseHolder", l.holder());
                out.put("leaseHeartbeatAt", l.heartbeatAt().toString());
                out.put("leaseExpiresAt", l.expiresAt().toString());
            });
            return ResponseEntity.ok(out);
        }).orElse(ResponseEntity.noContent().build());
    }

    @GetMapping("/{id}")
    ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
        return runs.find(id).map(r -> ResponseEntity.ok(summary(r, true))).orElse(ResponseEntity.notFound().build());
    }

    @GetMapping("/{id}/quarantine")
    List<QuarantineStore.Entry> quarantined(@PathVariable String id) {
        return quarantine.forRun(id);
    }

    private Map<String, Object> summary(SyncRunStore.RunSummary r, boolean withReport) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("sync", r.syncId());
        out.put("trigger", r.trigger());
        out.put("status", r.status());
        out.put("startedAt", r.startedAt().toString());
        out.put("finishedAt", r.finishedAt().map(Instant::toString).orElse(null));
        out.put("error", r.error().orElse(null));
        if (withReport) {
            out.put("report", r.reportJson().map(this::parse).orElse(null));
        }
        return out;
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("stored run report is not JSON", e);
        }
    }
}
