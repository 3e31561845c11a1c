package io.segmenthub.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.ConnectionTest;
import io.segmenthub.pipeline.ConnectorStatuses;
import io.segmenthub.pipeline.SyncRunStore;
import io.segmenthub.subject.SubjectRequestException;
import io.segmenthub.subject.ErasureReceipts;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The web console: server-rendered pages over the same services the API uses (the API
 * controllers are called directly, so the console shows exactly what the API answers). Who sees
 * which page is decided by the security configuration; personal data appears only masked, except
 * on a compliance officer's audited reveal. Identifiers are posted in forms, never put in URLs.
 */
@Controller
class ConsoleController {

    private final RunController runs;
    private final SyncRunStore runStore;
    private final ConnectorStatuses connectors;
    private final ConnectionTest connectionTest;
    private final SegmentCatalogController segments;
    private final SegmentController kpis;
    private final ProfileController profiles;
    private final ConsentController consent;
    private final AuditController audit;
    private final SubjectController subjects;
    private final ErasureReceipts receipts;
    private final io.segmenthub.segment.cluster.ClusterStore clusters;
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    ConsoleController(RunController runs, SyncRunStore runStore, ConnectorStatuses connectors, ConnectionTest connectionTest,
                      SegmentCatalogController segments, SegmentController kpis, ProfileController profiles, ConsentController consent,
                      AuditController audit, SubjectController subjects, ErasureReceipts receipts,
                      io.segmenthub.segment.cluster.ClusterStore clusters, JdbcClient jdbc, ObjectMapper json) {
        this.clusters = clusters;
        this.runs = runs;
        this.runStore = runStore;
        this.connectors = connectors;
        this.connectionTest = connectionTest;
        this.segments = segments;
        this.kpis = kpis;
        this.profiles = profiles;
        this.consent = consent;
        this.audit = audit;
        this.subjects = subjects;
        this.receipts = receipts;
        this.jdbc = jdbc;
        this.json = json;
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping({"/", "/console"})
    String home(Authentication auth) {
        if (has(auth, "ADMIN")) {
            return "redirect:/console/runs";
        }
        return has(auth, "COMPLIANCE") ? "redirect:/console/compliance" : "redirect:/console/segments";
    }

    // ---- runs (admin)

    @GetMapping("/console/runs")
    String runs(Model model) {
        model.addAttribute("runs", runs.list(50));
        return "runs";
    }

    @PostMapping("/console/runs")
    String startRun(@RequestParam(defaultValue = "manual") String sync, RedirectAttributes flash) {
        var answer = runs.start(sync, false);
        flash.addFlashAttribute("message", answer.getStatusCode().is2xxSuccessful() ? "Run of '" + sync + "' started."
                : String.valueOf(answer.getBody().get("error")));
        return "redirect:/console/runs";
    }

    /**
     * Polled by the runs page: the run in progress (if any) and the newest run's id and status, so
     * the page reloads whenever the history it shows is out of date (a run started, ended or failed).
     */
    @GetMapping("/console/runs/progress")
    @ResponseBody
    Map<String, Object> progress() {
        Map<String, Object> out = new LinkedHashMap<>();
        var current = runs.current();
        out.put("running", current.getStatusCode().value() == 200);
        out.put("progress", current.getBody());
        runStore.recent(1).stream().findFirst().ifPresent(r -> {
            out.put("latestId", r.id());
            out.put("latestStatus", r.status());
        });
        return out;
    }

    @GetMapping("/console/runs/{id}")
    String run(@PathVariable String id, Model model) {
        var run = runs.get(id);
        if (run.getBody() == null) {
            return "redirect:/console/runs";
        }
        model.addAttribute("run", run.getBody());
        model.addAttribute("report", run.getBody().get("report"));
        model.addAttribute("quarantine", runs.quarantined(id));
        return "run";
    }

    // ---- connectors (admin)

    @GetMapping("/console/connectors")
    String connectors(Model model) {
        model.addAttribute("connectors", connectors.all());
        return "connectors";
    }

    @PostMapping("/console/connectors/{id}/test")
    String test(@PathVariable String id, RedirectAttributes flash) {
        connectionTest.test(id).ifPresent(result -> flash.addFlashAttribute("test", result));
        return "redirect:/console/connectors";
    }

    // ---- segments (analyst, admin)

    @GetMapping("/console/segments")
    String segments(Model model) throws IOException {
        model.addAttribute("segments", segments.list());
        model.addAttribute("clusters", clusters.current());
        model.addAttribute("unclustered", clusters.profilesWithoutPurchases());
        model.addAttribute("kpis", kpis.kpis(30, "json").getBody());
        model.addAttribute("valueTypes", jdbc.sql("SELECT value_type, COUNT(*) FROM profile_score GROUP BY value_type ORDER BY COUNT(*) DESC")
                .query((rs, n) -> Map.of("type", rs.getString(1), "count", rs.getLong(2))).list());
        long[][] grid = new long[6][6];
        jdbc.sql("SELECT recency, frequency, COUNT(*) FROM profile_score GROUP BY recency, frequency").query(rs -> {
            int r = rs.getInt(1);
            int f = rs.getInt(2);
            if (r >= 1 && r <= 5 && f >= 1 && f <= 5) {
                grid[r][f] += rs.getLong(3);
            }
        });
        long max = 1;
        for (long[] row : grid) {
            for (long v : row) {
                max = Math.max(max, v);
            }
        }
        List<List<Map<String, Object>>> heat = new ArrayList<>();
        for (int r = 5; r >= 1; r--) {
            List<Map<String, Object>> cells = new ArrayList<>();
            for (int f = 1; f <= 5; f++) {
                double share = (double) grid[r][f] / max;
                cells.add(Map.of("r", r, "f", f, "count", grid[r][f],
                        "style", "background-color: rgba(37, 99, 235, " + String.format(java.util.Locale.ROOT, "%.2f", 0.08 + 0.92 * share) + ");"
                                + (share > 0.55 ? " color: #fff;" : "")));
            }
            heat.add(cells);
        }
        model.addAttribute("rfmGrid", heat);
        model.addAttribute("sizeHistory", json.writeValueAsString(sizeHistory()));
        return "segments";
    }

    /** Segment sizes per successful run, oldest first, for the chart. */
    private Map<String, Object> sizeHistory() throws IOException {
        List<SyncRunStore.RunSummary> recent = new ArrayList<>(runStore.recent(30));
        java.util.Collections.reverse(recent);
        List<String> labels = new ArrayList<>();
        Map<String, List<Long>> series = new TreeMap<>();
        int index = 0;
        for (SyncRunStore.RunSummary run : recent) {
            if (!run.status().equals("SUCCEEDED") || run.reportJson().isEmpty()) {
                continue;
            }
            JsonNode sizes = json.readTree(run.reportJson().get()).path("segments");
            labels.add(run.startedAt().toString().substring(0, 16).replace('T', ' '));
            final int at = index++;
            sizes.fields().forEachRemaining(e -> {
                List<Long> values = series.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                while (values.size() < at) {
                    values.add(null);
                }
                values.add(e.getValue().path("size").asLong());
            });
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("labels", labels);
        out.put("series", series);
        return out;
    }

    @GetMapping("/console/segments/{id}/members.csv")
    @ResponseBody
    ResponseEntity<?> members(@PathVariable String id) throws IOException {
        return segments.members(id, "csv");
    }

    // ---- profiles (admin, compliance; reveal: compliance)

    @GetMapping("/console/profiles")
    String profiles() {
        return "profiles";
    }

    @PostMapping("/console/profiles/search")
    String searchProfiles(@RequestParam(required = false) String email, @RequestParam(required = false) String phone,
                          @RequestParam(required = false) String goldenId, Model model) {
        try {
            model.addAttribute("results", profiles.search(new ProfileController.Search(email, phone, goldenId)));
        } catch (SubjectRequestException e) {
            model.addAttribute("error", e.getMessage());
        }
        return "profiles";
    }

    @PostMapping("/console/profiles/{goldenId}/reveal")
    String reveal(@PathVariable String goldenId, @RequestParam(required = false) String reason, Model model) {
        var answer = profiles.reveal(goldenId, new ProfileController.Reveal(reason));
        if (answer.getStatusCode().is2xxSuccessful()) {
            model.addAttribute("results", List.of(answer.getBody()));
        } else {
            model.addAttribute("error", answer.getBody() instanceof Map<?, ?> m ? String.valueOf(m.get("error")) : "no such profile");
        }
        return "profiles";
    }

    // ---- compliance

    @GetMapping("/console/compliance")
    String compliance(Model model) {
        model.addAttribute("verify", audit.verify());
        model.addAttribute("requests", jdbc.sql("SELECT id, kind, requested_at, requested_by, records FROM subject_request ORDER BY requested_at DESC")
                .query((rs, n) -> Map.of("id", rs.getString(1), "kind", rs.getString(2),
                        "at", io.segmenthub.system.Timestamps.read(rs, "requested_at").toString(), "by", rs.getString(4), "records", rs.getInt(5)))
                .list());
        return "compliance";
    }

    @GetMapping("/console/compliance/audit.csv")
    @ResponseBody
    ResponseEntity<?> auditExport() throws IOException {
        return audit.export("csv", null, null, null);
    }

    @PostMapping("/console/compliance/consent")
    String consentHistory(@RequestParam(required = false) String email, @RequestParam(required = false) String phone, Model model) {
        try {
            model.addAttribute("history", consent.history(new SubjectRef(email, phone)));
            model.addAttribute("auditTrail", audit.search(new SubjectRef(email, phone)));
        } catch (SubjectRequestException e) {
            model.addAttribute("error", e.getMessage());
        }
        return compliance(model);
    }

    @PostMapping("/console/compliance/erasure")
    String erase(@RequestParam(required = false) String email, @RequestParam(required = false) String phone,
                 @RequestParam(required = false) String confirm, Model model) {
        if (!"ERASE".equals(confirm)) {
            model.addAttribute("error", "type ERASE to confirm an erasure");
            return compliance(model);
        }
        try {
            model.addAttribute("erasure", subjects.erase(new SubjectRef(email, phone)));
        } catch (SubjectRequestException e) {
            model.addAttribute("error", e.getMessage());
        }
        return compliance(model);
    }

    @GetMapping("/console/compliance/requests/{id}")
    String request(@PathVariable String id, Model model) {
        model.addAttribute("receipts", receipts.forRequest(id));
        model.addAttribute("requestId", id);
        return compliance(model);
    }

    private static boolean has(Authentication auth, String role) {
        return auth != null && auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + role));
    }
}
