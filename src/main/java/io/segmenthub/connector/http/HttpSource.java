package io.segmenthub.connector.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.ConnectorException;
import io.segmenthub.connector.MappedSource;
import io.segmenthub.connector.Watermarks;
import io.segmenthub.connector.http.HttpSettings.Incremental;
import io.segmenthub.connector.http.HttpSettings.Paging;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pulls a {@code type: http} connector page by page, lazily, so a run holds one page and one batch
 * in memory. Records repeated across pages (offset paging while the data moves) are passed on once;
 * when the API reports a total and fewer distinct records arrived (a page was skipped), the
 * watermark is not moved and the run report says so, so the next run reads the gap again.
 */
@Component
public class HttpSource {

    private static final Logger log = LoggerFactory.getLogger(HttpSource.class);
    private static final ObjectMapper CANONICAL = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private final HubConfig config;
    private final ObjectMapper json;
    private final Watermarks watermarks;
    private final HttpStateStore state;
    private final Clock clock;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    public HttpSource(HubConfig config, ObjectMapper json, Watermarks watermarks, HttpStateStore state, Clock clock) {
        this.config = config;
        this.json = json;
        this.watermarks = watermarks;
        this.state = state;
        this.clock = clock;
    }

    public Iterator<SourceBatch> open(SyncRun run, String connectorId) {
        ConnectorConfig connector = config.connector(connectorId);
        HttpSettings http = connector.http();
        HttpSession session = session(connector);
        var rows = new Rows(run, connector, http, session, watermarks.get(connectorId));
        return MappedSource.batches(config, connector, run, rows, rows::watermarkOf, rows::close);
    }

    HttpSession session(ConnectorConfig connector) {
        HttpSettings http = connector.http();
        RateLimiter limiter = http.requestsPerSecond() == null ? null
                : limiters.computeIfAbsent(connector.id(), id -> new RateLimiter(http.requestsPerSecond()));
        return new HttpSession("connector '" + connector.id() + "'", connector.id(), http.baseUrl(), http.authOrNone(),
                http.errorsOrDefault(), http.timeoutSecondsOrDefault(), limiter, HttpSession.newClient(http.timeoutSecondsOrDefault()),
                json, state, clock);
    }

    /** The variables the first page's request sees; the connection test uses them too. */
    Map<String, Object> firstPageVars(HttpSettings http, Optional<String> committed) {
        Paging paging = http.pagingOrNone();
        Map<String, Object> vars = new HashMap<>();
        vars.put("limit", paging.limitOrDefault());
        vars.put("offset", 0);
        vars.put("page", paging.startPageOrDefault());
        vars.put("last_id", null);
        vars.put("now", clock.instant().toString());
        vars.put("now_ms", clock.millis());
        vars.put("cursor", http.incremental() == null ? null : cursorWithLookBack(http.incremental(), committed));
        return vars;
    }

    static Object cursorWithLookBack(Incremental inc, Optional<String> committed) {
        long back = inc.lookBackSecondsOrDefault();
        if (committed.isEmpty()) {
            return switch (inc.formatOrDefault()) {
                case EPOCH_MILLIS, EPOCH_SECONDS -> inc.initial() == null ? 0L : Long.parseLong(inc.initial());
                case ISO -> inc.initial() == null ? Instant.EPOCH.toString() : inc.initial();
            };
        }
        String value = committed.get();
        return switch (inc.formatOrDefault()) {
            case EPOCH_MILLIS -> Math.max(0, new BigDecimal(value).longValue() - back * 1000);
            case EPOCH_SECONDS -> Math.max(0, new BigDecimal(value).longValue() - back);
            case ISO -> Instant.parse(value).minusSeconds(back).toString();
        };
    }

    /** Rows of every page, then the queued webhook deliveries; tracks the cursor, repeats and the hash diff. */
    private final class Rows implements Iterator<MappedSource.Row> {
        private final SyncRun run;
        private final ConnectorConfig connector;
        private final HttpSettings http;
        private final HttpSession session;
        private final Optional<String> committed;
        private final Paging paging;
        private final Map<String, Object> vars;
        private final Deque<MappedSource.Row> buffer = new ArrayDeque<>();
        private final Set<String> seen = new HashSet<>();
        private final Map<String, String> knownHashes;
        private final Map<String, String> changedHashes = new HashMap<>();
        private final List<String> deliveries = new ArrayList<>();
        private Deque<HttpStateStore.Delivery> pendingDeliveries;
        private String cursor;
        private JsonNode lastPage;
        private int pages;
        private long total = -1;
        private long repeated;
        /** Records without an id: not deduplicated (they are quarantined downstream), but they did arrive. */
        private long withoutId;
        private long unchanged;
        private boolean exhausted;
        private boolean finished;

        Rows(SyncRun run, ConnectorConfig connector, HttpSettings http, HttpSession session, Optional<String> committed) {
            this.run = run;
            this.connector = connector;
            this.http = http;
            this.session = session;
            this.committed = committed;
            this.paging = http.pagingOrNone();
            this.vars = firstPageVars(http, committed);
            this.knownHashes = http.hashDiffOrDefault() ? state.hashes(connector.id()) : Map.of();
        }

        @Override
        public boolean hasNext() {
            while (buffer.isEmpty() && !finished) {
                if (!exhausted) {
                    fetchPage();
                } else {
                    if (pendingDeliveries == null) {
                        pendingDeliveries = new ArrayDeque<>(http.webhook() == null ? List.of() : state.pending(connector.id()));
                    }
                    if (!pendingDeliveries.isEmpty()) {
                        takeDelivery(pendingDeliveries.poll());
                    } else {
                        finish();
                    }
                }
            }
            return !buffer.isEmpty();
        }

        @Override
        public MappedSource.Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return buffer.poll();
        }

        Optional<String> watermarkOf(MappedSource.Row row) {
            if (http.incremental() == null) {
                return Optional.empty();
            }
            Object value = row.fields().get(http.incremental().field());
            if (value == null || value.toString().isBlank()) {
                return Optional.ofNullable(cursor);
            }
            String v = value.toString();
            try {
                if (cursor == null || later(http.incremental(), v, cursor)) {
                    cursor = v;
                }
            } catch (RuntimeException e) {
                log.warn("run={} connector={} record {} has an unreadable cursor value; the watermark ignores it", run.id(), connector.id(), row.ref());
            }
            return Optional.ofNullable(cursor);
        }

        private void fetchPage() {
            if (pages >= paging.maxPagesOrDefault()) {
                throw new ConnectorException("connector '" + connector.id() + "': more than " + paging.maxPagesOrDefault()
                        + " pages (paging.max-pages); is the paging configured right?");
            }
            JsonNode body;
            if (pages > 0 && paging.type() == Paging.Type.NEXT_URL) {
                body = session.follow(lastPage.at(paging.nextUrl()).asText());
            } else {
                body = session.send(http.request(), vars);
            }
            pages++;
            lastPage = body;
            JsonNode records = body.at(http.records());
            if (!records.isArray()) {
                throw new ConnectorException("connector '" + connector.id() + "': page " + pages + " has no array at " + http.records()
                        + " (the records setting)");
            }
            if (paging.total() != null && body.at(paging.total()).canConvertToLong()) {
                total = body.at(paging.total()).asLong();
            }
            int index = 0;
            String lastId = null;
            for (JsonNode record : records) {
                index++;
                String ref = "page " + pages + " record " + index;
                String id = idOf(record);
                lastId = id == null ? lastId : id;
                if (id == null) {
                    withoutId++;
                }
                id = rowKey(id, record);
                if (id != null && !seen.add(id)) {
                    repeated++;
                    continue;
                }
                if (http.hashDiffOrDefault() && id != null) {
                    String hash = hash(record);
                    if (hash.equals(knownHashes.get(id))) {
                        unchanged++;
                        continue;
                    }
                    changedHashes.put(id, hash);
                }
                buffer.add(new MappedSource.Row(ref, fields(record), record.toString()));
            }
            exhausted = isLastPage(body, records.size(), lastId);
        }

        private boolean isLastPage(JsonNode body, int count, String lastId) {
            int limit = paging.limitOrDefault();
            switch (paging.type()) {
                case NONE:
                    return true;
                case NEXT_URL: {
                    boolean done = paging.done() != null && body.at(paging.done()).asBoolean(false);
                    JsonNode next = body.at(paging.nextUrl());
                    return done || next.isMissingNode() || next.isNull() || next.asText().isBlank() || count == 0;
                }
                case OFFSET:
                    vars.put("offset", ((Number) vars.get("offset")).longValue() + limit);
                    return count < limit || total >= 0 && ((Number) vars.get("offset")).longValue() >= total;
                case PAGE:
                    vars.put("page", ((Number) vars.get("page")).longValue() + 1);
                    return count < limit || count == 0;
                case KEYSET:
                    if (count > 0 && lastId != null && lastId.equals(vars.get("last_id"))) {
                        throw new ConnectorException("connector '" + connector.id() + "': keyset paging did not move past id position "
                                + pages + " (paging.id-field)");
                    }
                    vars.put("last_id", lastId);
                    return count < limit || lastId == null;
                default:
                    return true;
            }
        }

        private void takeDelivery(HttpStateStore.Delivery delivery) {
            deliveries.add(delivery.deliveryId());
            if (!JiandaoyunWebhooks.CHANGES.contains(delivery.operation())) {
                return; // a removal or a form change: nothing to ingest (erasure goes through the hub's own requests)
            }
            try {
                JsonNode payload = json.readTree(delivery.payload());
                JsonNode data = payload.at(http.webhook().dataOrDefault());
                if (data.isObject()) {
                    buffer.add(new MappedSource.Row("webhook delivery " + delivery.deliveryId(), fields(data), data.toString()));
                }
            } catch (java.io.IOException e) {
                log.warn("run={} connector={} webhook delivery {} is not JSON; skipped", run.id(), connector.id(), delivery.deliveryId());
            }
        }

        private void finish() {
            finished = true;
            String id = connector.id();
            if (repeated > 0) {
                run.report().note("connector " + id + " repeated records", repeated + " records came again on a later page and were stored once");
            }
            if (unchanged > 0) {
                run.report().note("connector " + id + " unchanged", unchanged + " records unchanged since the last run (hash diff), not passed on");
            }
            long arrived = seen.size() + withoutId;
            if (total >= 0 && arrived < total) {
                // a page was skipped while the data moved: keep the old watermark so the next run reads the gap again.
                // Registered as a commit, because it must win over the batches' watermarks, which are committed first.
                if (http.incremental() != null) {
                    String kept = committed.orElseGet(() -> String.valueOf(cursorWithLookBack(http.incremental(), Optional.empty())));
                    run.afterSuccess(() -> watermarks.commit(Map.of(id, kept), run.id()));
                }
                run.report().note("connector " + id + " drift", "the API reported " + total + " records but " + arrived
                        + " distinct ones arrived (records moved between pages); watermark not advanced, the next run reads them again");
                log.warn("run={} connector={} paging drift: {} of {} records arrived; watermark kept", run.id(), id, arrived, total);
            }
            if (!changedHashes.isEmpty()) {
                Map<String, String> changed = Map.copyOf(changedHashes);
                run.afterSuccess(() -> state.saveHashes(id, changed, run.id()));
            }
            if (!deliveries.isEmpty()) {
                List<String> done = List.copyOf(deliveries);
                run.afterSuccess(() -> state.consumed(id, done, run.id()));
            }
            log.info("run={} connector={} pulled {} pages, {} distinct records, {} requests, {} retries", run.id(), id, pages, seen.size(),
                    session.requests(), session.retries());
        }

        void close() {
            finished = true;
        }

        private String idOf(JsonNode record) {
            String field = paging.idField() != null ? paging.idField() : connector.mapping().id();
            if (field == null) {
                return null;
            }
            JsonNode id = field.startsWith("/") ? record.at(field) : record.at("/" + field.replace(".", "/"));
            return id.isMissingNode() || id.isNull() ? null : id.asText();
        }

        /**
         * What makes a row distinct within a pull: its record id, and for an event source its event id
         * too, since one user's record id comes with every event of that user.
         */
        private String rowKey(String id, JsonNode record) {
            var event = connector.mapping().event();
            if (id == null || event == null || event.id() == null || paging.idField() != null) {
                return id;
            }
            JsonNode eventId = event.id().startsWith("/") ? record.at(event.id()) : record.at("/" + event.id().replace(".", "/"));
            return eventId.isMissingNode() || eventId.isNull() ? id : id + " event " + eventId.asText();
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> fields(JsonNode record) {
            return record.isObject() ? json.convertValue(record, Map.class) : Map.of("value", record.asText());
        }
    }

    static boolean later(Incremental inc, String a, String b) {
        return switch (inc.formatOrDefault()) {
            case EPOCH_MILLIS, EPOCH_SECONDS -> new BigDecimal(a).compareTo(new BigDecimal(b)) > 0;
            case ISO -> Instant.parse(a).isAfter(Instant.parse(b));
        };
    }

    static String hash(JsonNode record) {
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(record, Object.class));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new ConnectorException("cannot hash a record: " + e.getMessage(), e);
        }
    }
}
