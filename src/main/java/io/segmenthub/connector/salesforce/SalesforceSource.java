package io.segmenthub.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.RecordMapper;
import io.segmenthub.connector.SourceBatches;
import io.segmenthub.connector.SourceRow;
import io.segmenthub.connector.Watermarks;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.Closeable;
import java.io.IOException;
import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * Pulls a Salesforce object. Incremental on {@code SystemModstamp}: the query asks for records
 * changed at or after the committed watermark (the boundary record is read again, which the store
 * takes as unchanged), ordered by it, and pages through {@code nextRecordsUrl}. A pull whose
 * {@code COUNT()} exceeds {@code bulk-threshold} (a first load, typically) runs as a Bulk API 2.0
 * query job instead, and reads the CSV result {@code bulk-page-size} records at a time with
 * {@code Sforce-Locator}.
 * <p>
 * API limits: before each page, when the org's reported usage ({@code Sforce-Limit-Info}) has
 * reached {@code max-api-usage}, or when Salesforce answers {@code REQUEST_LIMIT_EXCEEDED}, the
 * pull stops there and the run report says why; the run goes on with what was read. A REST pull
 * reads in {@code SystemModstamp} order, so its watermark moves to the last record read and the
 * next run continues from there. A Bulk result has no order: a stopped Bulk pull keeps the records
 * it read but leaves the watermark where it was, so the next run asks for the same range again.
 */
@Component
public class SalesforceSource {

    private static final Logger log = LoggerFactory.getLogger(SalesforceSource.class);

    private final HubConfig config;
    private final SalesforceConnections connections;
    private final Watermarks watermarks;

    public SalesforceSource(HubConfig config, SalesforceConnections connections, Watermarks watermarks) {
        this.config = config;
        this.connections = connections;
        this.watermarks = watermarks;
    }

    public Iterator<SourceBatch> open(SyncRun run, String connectorId) {
        ConnectorConfig connector = config.connector(connectorId);
        SalesforceSettings settings = connector.salesforce();
        SalesforceApi api = connections.api(connectorId);
        api.forgetUsage();
        Optional<String> watermark = watermarks.get(connectorId);
        Optional<String> condition = Soql.condition(watermark, settings.where());
        Set<String> fields = Soql.fields(settings, connector.mapping());
        String object = objectOf(settings);

        Rows rows;
        long threshold = settings.bulkThresholdOrDefault();
        long count = -1;
        if (threshold > 0) {
            count = query(api, Soql.count(object, condition)).path("totalSize").asLong();
        }
        if (threshold > 0 && count > threshold) {
            log.info("connector={} {} {} records to pull: Bulk API 2.0 query job", connectorId, count, object);
            rows = new BulkRows(api, connectorId, run, Soql.select(fields, object, condition, false), settings);
        } else {
            rows = new RestRows(api, connectorId, run, Soql.select(fields, object, condition, true));
        }
        var mapper = new RecordMapper(connector, config.purposes().keySet(), run.startedAt(), config.tcfConsent());
        return new SourceBatches(connectorId, rows, mapper, connector.batchSizeOrDefault(), rows::watermark, rows);
    }

    static String objectOf(SalesforceSettings settings) {
        return settings.object() == null ? "Contact" : settings.object();
    }

    static JsonNode query(SalesforceApi api, String soql) {
        return api.get(api.dataPath() + "/query/?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
    }

    /** Record values as the mapper reads them: relationships stay nested maps, Salesforce date-times become ISO 8601. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> fieldsOf(JsonNode record) {
        Map<String, Object> fields = SalesforceApi.JSON.convertValue(record, LinkedHashMap.class);
        fields.remove("attributes");
        normalise(fields);
        return fields;
    }

    @SuppressWarnings("unchecked")
    private static void normalise(Map<String, Object> fields) {
        fields.replaceAll((k, v) -> {
            if (v instanceof String s && Soql.isSalesforceDateTime(s)) {
                return Soql.isoDateTime(s);
            }
            if (v instanceof Map<?, ?> nested) {
                normalise((Map<String, Object>) nested);
            }
            return v;
        });
    }

    /**
     * Rows page by page. Before each page the org's API usage is checked; a pull that has to stop
     * for the org's limits ends early with the reason in the run report instead of failing.
     */
    private abstract static class Rows implements Iterator<SourceRow>, Closeable {
        final SalesforceApi api;
        final String connectorId;
        final SyncRun run;
        private final Deque<SourceRow> page = new ArrayDeque<>();
        private boolean exhausted;
        private boolean stopped;
        private RuntimeException failure;
        long read;
        Instant maxModstamp;

        Rows(SalesforceApi api, String connectorId, SyncRun run) {
            this.api = api;
            this.connectorId = connectorId;
            this.run = run;
        }

        /** Adds the next page to {@code page}; false when no page follows it. */
        abstract boolean fetch(Deque<SourceRow> page);

        /** The cursor to commit after this row, if it may move yet. */
        abstract Optional<String> watermark(SourceRow row);

        @Override
        public boolean hasNext() {
            if (failure != null) {
                // a redelivery must not take the rest of a failed pull for all of it: the run fails and commits nothing
                throw failure;
            }
            while (page.isEmpty() && !exhausted) {
                Optional<ApiUsage> usage = api.usage();
                double share = api.settings().maxApiUsageOrDefault();
                if (usage.isPresent() && usage.get().share() >= share) {
                    stop("the org has used " + usage.get() + " of its daily API requests, at or past max-api-usage "
                            + Math.round(share * 100) + " %");
                    break;
                }
                try {
                    exhausted = !fetch(page);
                } catch (SalesforceApiException e) {
                    if (!e.limitExceeded()) {
                        failure = e;
                        throw e;
                    }
                    stop("Salesforce refused further requests today (REQUEST_LIMIT_EXCEEDED)");
                    break;
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                }
            }
            return !page.isEmpty();
        }

        @Override
        public SourceRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            read++;
            return page.poll();
        }

        boolean stopped() {
            return stopped;
        }

        boolean complete() {
            return exhausted && !stopped;
        }

        void stop(String reason) {
            stopped = true;
            exhausted = true;
            String note = "stopped pulling after " + read + " records: " + reason + "; the next run continues "
                    + (this instanceof RestRows ? "after the last record read" : "from the same watermark");
            log.warn("connector={} {}", connectorId, note);
            run.report().note("salesforce " + connectorId, note);
        }

        Optional<String> advance(SourceRow row) {
            Object stamp = row.fields().get(Soql.CURSOR_FIELD);
            Optional<Instant> at = Soql.instant(stamp);
            if (at.isPresent() && (maxModstamp == null || at.get().isAfter(maxModstamp))) {
                maxModstamp = at.get();
            }
            return Optional.ofNullable(maxModstamp).flatMap(Soql::literal);
        }

        @Override
        public void close() {
            exhausted = true;
            page.clear();
        }
    }

    /** REST query paging: {@code /query/?q=} and then {@code nextRecordsUrl} until {@code done}. */
    private static final class RestRows extends Rows {
        private final String soql;
        private String next;
        private boolean started;

        RestRows(SalesforceApi api, String connectorId, SyncRun run, String soql) {
            super(api, connectorId, run);
            this.soql = soql;
        }

        @Override
        boolean fetch(Deque<SourceRow> page) {
            JsonNode result = started ? api.get(next) : query(api, soql);
            started = true;
            next = result.path("done").asBoolean(true) || result.path("nextRecordsUrl").asText("").isEmpty()
                    ? null : result.path("nextRecordsUrl").asText();
            for (JsonNode record : result.path("records")) {
                String id = record.path("Id").asText("?");
                page.add(new SourceRow(record.path("attributes").path("type").asText("record") + " " + id, fieldsOf(record), record.toString()));
            }
            return next != null;
        }

        @Override
        Optional<String> watermark(SourceRow row) {
            return advance(row); // ordered by SystemModstamp: everything up to here has been read
        }
    }

    /** Bulk API 2.0 query: create the job, poll until JobComplete, read the CSV result pages by locator. */
    private static final class BulkRows extends Rows {
        private final String soql;
        private final SalesforceSettings settings;
        private String jobId;
        private String locator;
        private boolean started;

        BulkRows(SalesforceApi api, String connectorId, SyncRun run, String soql, SalesforceSettings settings) {
            super(api, connectorId, run);
            this.soql = soql;
            this.settings = settings;
        }

        @Override
        boolean fetch(Deque<SourceRow> page) {
            if (!started) {
                started = true;
                jobId = api.post(api.dataPath() + "/jobs/query", Map.of("operation", "query", "query", soql)).path("id").asText();
                awaitCompletion();
            }
            String path = api.dataPath() + "/jobs/query/" + jobId + "/results?maxRecords=" + settings.bulkPageSizeOrDefault()
                    + (locator == null ? "" : "&locator=" + URLEncoder.encode(locator, StandardCharsets.UTF_8));
            // Bulk 2.0 results are CSV; the raw client also offers JSON in Accept, Salesforce serves the CSV named here
            SalesforceApi.Response response = api.send("GET", path, null, Map.of("Accept", List.of("text/csv")));
            String nextLocator = response.header("Sforce-Locator").orElse("null");
            locator = nextLocator.isBlank() || nextLocator.equals("null") ? null : nextLocator;
            try (CSVParser csv = CSVParser.parse(new StringReader(response.body()),
                    CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
                for (CSVRecord r : csv) {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    r.toMap().forEach((k, v) -> fields.put(k, Soql.isSalesforceDateTime(v) ? Soql.isoDateTime(v) : v));
                    String id = String.valueOf(fields.getOrDefault("Id", "?"));
                    page.add(new SourceRow("bulk job " + jobId + " record " + id, fields, String.join(",", r.values())));
                }
            } catch (IOException | RuntimeException e) {
                throw new SalesforceApiException("salesforce '" + connectorId + "': Bulk API 2.0 job " + jobId
                        + " result is not readable CSV: " + e.getMessage(), 0, null, e);
            }
            return locator != null;
        }

        private void awaitCompletion() {
            Instant deadline = Instant.now().plus(settings.bulkTimeoutOrDefault());
            Duration poll = settings.bulkPollIntervalOrDefault();
            while (true) {
                JsonNode job = api.get(api.dataPath() + "/jobs/query/" + jobId);
                String state = job.path("state").asText();
                switch (state) {
                    case "JobComplete" -> {
                        log.info("connector={} Bulk API 2.0 job {} complete: {} records", connectorId, jobId,
                                job.path("numberRecordsProcessed").asLong());
                        return;
                    }
                    case "Failed", "Aborted" -> throw new SalesforceApiException("salesforce '" + connectorId + "': Bulk API 2.0 job "
                            + jobId + " " + state + ": " + job.path("errorMessage").asText(""), 0, "BULK_JOB_" + state.toUpperCase(), null);
                    default -> {
                        if (Instant.now().isAfter(deadline)) {
                            throw new SalesforceApiException("salesforce '" + connectorId + "': Bulk API 2.0 job " + jobId
                                    + " not complete after " + settings.bulkTimeoutOrDefault() + " (state " + state + ")", 0, "BULK_JOB_TIMEOUT", null);
                        }
                        try {
                            Thread.sleep(poll.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new SalesforceApiException("salesforce '" + connectorId + "': interrupted waiting for job " + jobId, 0, null, e);
                        }
                    }
                }
            }
        }

        @Override
        Optional<String> watermark(SourceRow row) {
            Optional<String> mark = advance(row);
            // no order in a Bulk result: the cursor may move only once every page has been read
            return !hasNext() && complete() ? mark : Optional.empty();
        }
    }
}
