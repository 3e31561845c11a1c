package io.segmenthub.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.segmenthub.connector.ConnectorException;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.sync.SegmentPush;
import io.segmenthub.system.HubConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes segment membership back to a REST API as a {@code type: http} destination says: per
 * member or per batch, adds first and then removes, rate limited per destination and retried with
 * back-off by the session. A request that still fails fails the push; the pusher then does not
 * move the push state, so the next run sends the same diff again (with the same idempotency keys).
 */
@Component
public class HttpDestination {

    private static final Logger log = LoggerFactory.getLogger(HttpDestination.class);

    private final HubConfig config;
    private final ObjectMapper json;
    private final HttpStateStore state;
    private final Clock clock;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    public HttpDestination(HubConfig config, ObjectMapper json, HttpStateStore state, Clock clock) {
        this.config = config;
        this.json = json;
        this.state = state;
        this.clock = clock;
    }

    public SegmentPush write(SegmentPush push, SyncRun run) {
        if (push.isEmpty()) {
            return push;
        }
        DestinationConfig destination = config.destination(push.destinationId());
        HttpTarget target = destination.http();
        HttpSession session = session(destination);
        int sent = send(session, target, push, "add", push.adds()) + send(session, target, push, "remove", push.removes());
        log.info("run={} destination={} segment={} wrote {} adds and {} removes in {} requests ({} retries)", run.id(), push.destinationId(),
                push.segmentId(), push.adds().size(), push.removes().size(), sent, session.retries());
        return push;
    }

    HttpSession session(DestinationConfig destination) {
        HttpTarget target = destination.http();
        RateLimiter limiter = target.requestsPerSecond() == null ? null
                : limiters.computeIfAbsent(destination.id(), id -> new RateLimiter(target.requestsPerSecond()));
        return new HttpSession("destination '" + destination.id() + "'", "destination:" + destination.id(), target.baseUrl(),
                target.authOrNone(), target.errorsOrDefault(), target.timeoutSecondsOrDefault(), limiter,
                HttpSession.newClient(target.timeoutSecondsOrDefault()), json, state, clock);
    }

    private int send(HttpSession session, HttpTarget target, SegmentPush push, String action, List<SegmentPush.Row> rows) {
        int requests = 0;
        int size = target.batchSizeOrDefault();
        for (int from = 0; from < rows.size(); from += size) {
            List<SegmentPush.Row> batch = rows.subList(from, Math.min(rows.size(), from + size));
            Map<String, Object> vars = new HashMap<>();
            vars.put("segment", push.segmentId());
            vars.put("action", action);
            vars.put("value", session.template().text("add".equals(action) ? target.addValueOrDefault() : target.removeValueOrDefault(),
                    Map.of("segment", push.segmentId())));
            String key = idempotencyKey(push, action, batch);
            vars.put("idempotency_key", key);
            if (size == 1) {
                vars.putAll(rowVars(batch.get(0)));
            } else {
                ArrayNode records = json.createArrayNode();
                for (SegmentPush.Row row : batch) {
                    Map<String, Object> itemVars = new HashMap<>(vars);
                    itemVars.putAll(rowVars(row));
                    records.add(session.template().json(target.item(), itemVars));
                }
                vars.put("records", records);
            }
            HttpSettings.Request request = target.request();
            if (target.idempotencyHeader() != null) {
                Map<String, String> headers = new LinkedHashMap<>(request.headers());
                headers.put(target.idempotencyHeader(), "{{idempotency_key}}");
                request = new HttpSettings.Request(request.method(), request.path(), request.query(), headers, request.body(), request.form());
            }
            session.send(request, vars);
            requests++;
        }
        return requests;
    }

    private static Map<String, Object> rowVars(SegmentPush.Row row) {
        if (row.externalId().isEmpty()) {
            // the loader requires a system for http destinations, so the pusher only plans members with a record there
            throw new ConnectorException("golden profile " + row.goldenId() + " has no record id in the destination's system");
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("external_id", row.externalId());
        vars.put("golden_id", row.goldenId());
        row.values().forEach((k, v) -> vars.put("field." + k, v));
        return vars;
    }

    /** The same diff gives the same key, so an API that honours idempotency keys ignores a retried batch. */
    static String idempotencyKey(SegmentPush push, String action, List<SegmentPush.Row> batch) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((push.destinationId() + "\n" + push.segmentId() + "\n" + action + "\n").getBytes(StandardCharsets.UTF_8));
            List<String> ids = new ArrayList<>(batch.stream().map(SegmentPush.Row::goldenId).toList());
            ids.sort(null);
            ids.forEach(id -> digest.update((id + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
