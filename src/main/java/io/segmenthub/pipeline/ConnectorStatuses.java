package io.segmenthub.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.Watermarks;
import io.segmenthub.system.HubConfig;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an IT team wants to know per connector: its type and purpose, the committed watermark, what
 * the last run that covered it pulled, and the last error a run failed with because of it. Read
 * from the run history, so it survives restarts.
 */
@Component
public class ConnectorStatuses {

    private static final int HISTORY = 100;

    public record Status(String id, String type, String kind, String system, String purpose, String watermark,
                         Map<String, Object> lastRun, Map<String, Object> lastError) {
    }

    private final HubConfig config;
    private final SyncRunStore runs;
    private final Watermarks watermarks;
    private final ObjectMapper json;

    public ConnectorStatuses(HubConfig config, SyncRunStore runs, Watermarks watermarks, ObjectMapper json) {
        this.config = config;
        this.runs = runs;
        this.watermarks = watermarks;
        this.json = json;
    }

    public List<Status> all() {
        List<Report> recent = recent();
        Map<String, String> marks = watermarks.all();
        List<Status> out = new ArrayList<>();
        for (ConnectorConfig c : config.connectors()) {
            out.add(status(c, recent, marks));
        }
        return out;
    }

    public Optional<Status> one(String id) {
        return config.connectors().stream().filter(c -> c.id().equals(id)).findFirst()
                .map(c -> status(c, recent(), watermarks.all()));
    }

    /** A run with its report parsed once, however many connectors look into it. */
    private record Report(SyncRunStore.RunSummary run, JsonNode connectors) {
    }

    private List<Report> recent() {
        return runs.recent(HISTORY).stream()
                .map(r -> new Report(r, r.reportJson().map(this::parse).map(j -> j.path("connectors")).orElse(null)))
                .toList();
    }

    private Status status(ConnectorConfig c, List<Report> recent, Map<String, String> marks) {
        Map<String, Object> lastRun = null;
        Map<String, Object> lastError = null;
        for (Report report : recent) {
            SyncRunStore.RunSummary run = report.run();
            if (lastRun == null && report.connectors() != null) {
                JsonNode counts = report.connectors().path(c.id());
                if (!counts.isMissingNode()) {
                    lastRun = new LinkedHashMap<>();
                    lastRun.put("runId", run.id());
                    lastRun.put("status", run.status());
                    lastRun.put("startedAt", run.startedAt().toString());
                    lastRun.put("counts", counts);
                }
            }
            if (lastError == null && run.status().equals("FAILED") && run.error().filter(e -> e.contains("'" + c.id() + "'")).isPresent()) {
                lastError = Map.of("runId", run.id(), "at", run.finishedAt().orElse(run.startedAt()).toString(), "error", run.error().get());
            }
        }
        return new Status(c.id(), c.type().name().toLowerCase(), c.kindOrDefault().name().toLowerCase(), c.systemName(), c.purpose(),
                marks.get(c.id()), lastRun, lastError);
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
