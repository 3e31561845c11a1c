package io.segmenthub.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.sync.SegmentPush;
import io.segmenthub.system.HubConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a segment's changes back to Salesforce with SObject Collections (up to 200 records a
 * request, {@code allOrNone=false}), as a field value on the member's record and/or as Campaign
 * membership. Answers with the part of the push Salesforce accepted, so the pusher confirms only
 * those rows: a row that failed stays out of the push state and is sent again on the next push,
 * a row that succeeded is not sent again.
 * <p>
 * Idempotent by reading before writing: the field's current values are read first and a record
 * whose field already says the right thing is not written; a CampaignMember that already exists
 * ({@code DUPLICATE_VALUE}) counts as added, one that is no longer there as removed.
 */
@Component
public class SalesforceDestination {

    static final int COLLECTION_LIMIT = 200;
    private static final Logger log = LoggerFactory.getLogger(SalesforceDestination.class);
    private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");
    /** Key prefixes of the standard objects a segment member can be: the first three characters of every record id. */
    private static final Map<String, String> KEY_PREFIXES = Map.of("001", "Account", "003", "Contact", "00Q", "Lead");

    private final HubConfig config;
    private final SalesforceConnections connections;

    public SalesforceDestination(HubConfig config, SalesforceConnections connections) {
        this.config = config;
        this.connections = connections;
    }

    public SegmentPush write(SegmentPush push, SyncRun run) {
        if (push.isEmpty()) {
            return push;
        }
        DestinationConfig destination = config.destination(push.destinationId());
        SalesforceTarget target = destination.salesforce();
        SalesforceApi api = connections.api(target.connector());
        Outcome outcome = new Outcome();
        List<SegmentPush.Row> rows = new ArrayList<>(push.adds());
        rows.addAll(push.removes());
        rows.stream().filter(r -> !RECORD_ID.matcher(r.externalId()).matches()).forEach(r -> outcome.fail(r.externalId(), "NOT_A_RECORD_ID"));

        try {
            var usage = api.usage();
            if (usage.isPresent() && usage.get().share() >= api.settings().maxApiUsageOrDefault()) {
                throw new SalesforceApiException("API usage " + usage.get() + " at or past max-api-usage", 403, "API_USAGE_AT_LIMIT", null);
            }
            if (target.field() != null) {
                String fallbackObject = SalesforceSource.objectOf(config.connector(target.connector()).salesforce());
                writeField(api, target.field(), target.valueFor(push.segmentId()), valid(push.adds()), valid(push.removes()), fallbackObject, outcome);
            }
            String campaign = target.campaigns().get(push.segmentId());
            if (campaign != null) {
                addToCampaign(api, campaign, valid(push.adds()), outcome);
                removeFromCampaign(api, campaign, valid(push.removes()), outcome);
            }
        } catch (SalesforceApiException e) {
            if (!e.limitExceeded() && !"API_USAGE_AT_LIMIT".equals(e.errorCode())) {
                throw e;
            }
            // out of API requests: nothing more is written today; every change is sent again (idempotently) next time
            rows.forEach(r -> outcome.fail(r.externalId(), e.errorCode()));
        }

        List<SegmentPush.Row> adds = push.adds().stream().filter(r -> !outcome.failed(r.externalId())).toList();
        List<SegmentPush.Row> removes = push.removes().stream().filter(r -> !outcome.failed(r.externalId())).toList();
        int notWritten = push.adds().size() + push.removes().size() - adds.size() - removes.size();
        if (notWritten > 0) {
            String note = notWritten + " of " + (push.adds().size() + push.removes().size()) + " changes not accepted by Salesforce ("
                    + outcome.reasons() + "); they are sent again on the next push";
            log.warn("destination={} segment={} {}", push.destinationId(), push.segmentId(), note);
            run.report().note("salesforce " + push.destinationId() + "/" + push.segmentId(), note);
        }
        return new SegmentPush(push.destinationId(), push.segmentId(), push.fields(), adds, removes, push.withheld(), push.unmapped(),
                removes.stream().collect(Collectors.toMap(SegmentPush.Row::goldenId, r -> push.reasonFor(r.goldenId()))));
    }

    private static List<String> valid(List<SegmentPush.Row> rows) {
        return rows.stream().map(SegmentPush.Row::externalId).filter(id -> RECORD_ID.matcher(id).matches()).distinct().toList();
    }

    /** Adds or removes {@code value} in a multi-select field, leaving the record's other values as they are. */
    private void writeField(SalesforceApi api, String field, String value, List<String> adds, List<String> removes, String fallbackObject,
                            Outcome outcome) {
        Map<String, Boolean> wanted = new LinkedHashMap<>();
        adds.forEach(id -> wanted.put(id, true));
        removes.forEach(id -> wanted.put(id, false));
        Map<String, List<String>> byObject = new TreeMap<>();
        wanted.keySet().stream().sorted().forEach(id -> byObject.computeIfAbsent(KEY_PREFIXES.getOrDefault(id.substring(0, 3), fallbackObject),
                o -> new ArrayList<>()).add(id));

        List<Map<String, Object>> updates = new ArrayList<>();
        byObject.forEach((object, ids) -> {
            for (List<String> chunk : chunks(ids)) {
                JsonNode current = api.get(api.dataPath() + "/composite/sobjects/" + object + "?ids=" + String.join(",", chunk)
                        + "&fields=Id," + field);
                for (int i = 0; i < chunk.size(); i++) {
                    String id = chunk.get(i);
                    JsonNode record = current.path(i);
                    if (record.isMissingNode() || record.isNull()) {
                        outcome.fail(id, "NOT_FOUND");
                        continue;
                    }
                    Set<String> values = new LinkedHashSet<>();
                    String text = record.path(field).isNull() ? "" : record.path(field).asText("");
                    Arrays.stream(text.split(";")).map(String::strip).filter(v -> !v.isEmpty()).forEach(values::add);
                    boolean changed = wanted.get(id) ? values.add(value) : values.remove(value);
                    if (changed) {
                        Map<String, Object> update = new LinkedHashMap<>();
                        update.put("attributes", Map.of("type", object));
                        update.put("id", id);
                        update.put(field, values.isEmpty() ? null : String.join(";", values));
                        updates.add(update);
                    }
                }
            }
        });
        for (List<Map<String, Object>> chunk : chunks(updates)) {
            JsonNode results = api.patch(api.dataPath() + "/composite/sobjects", collection(chunk));
            for (int i = 0; i < chunk.size(); i++) {
                checkResult(results.path(i), (String) chunk.get(i).get("id"), Set.of(), outcome);
            }
        }
    }

    private void addToCampaign(SalesforceApi api, String campaignId, List<String> ids, Outcome outcome) {
        List<Map<String, Object>> members = new ArrayList<>();
        for (String id : ids.stream().sorted().toList()) {
            String lookup = memberField(id);
            if (lookup == null) {
                outcome.fail(id, "NOT_A_CONTACT_OR_LEAD");
                continue;
            }
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("attributes", Map.of("type", "CampaignMember"));
            member.put("CampaignId", campaignId);
            member.put(lookup, id);
            members.add(member);
        }
        for (List<Map<String, Object>> chunk : chunks(members)) {
            JsonNode results = api.post(api.dataPath() + "/composite/sobjects", collection(chunk));
            for (int i = 0; i < chunk.size(); i++) {
                String id = (String) chunk.get(i).getOrDefault("ContactId", chunk.get(i).get("LeadId"));
                checkResult(results.path(i), id, Set.of("DUPLICATE_VALUE"), outcome); // already a member: added
            }
        }
    }

    private void removeFromCampaign(SalesforceApi api, String campaignId, List<String> ids, Outcome outcome) {
        List<String> people = new ArrayList<>();
        for (String id : ids) {
            if (memberField(id) == null) {
                outcome.fail(id, "NOT_A_CONTACT_OR_LEAD");
            } else {
                people.add(id);
            }
        }
        for (List<String> chunk : chunks(people)) {
            // every value in this query is a checked record id: no text from outside reaches the SOQL
            String in = chunk.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
            String soql = "SELECT Id, ContactId, LeadId FROM CampaignMember WHERE CampaignId = '" + campaignId + "' AND (ContactId IN ("
                    + in + ") OR LeadId IN (" + in + "))";
            Map<String, String> memberOf = new HashMap<>();
            JsonNode page = SalesforceSource.query(api, soql);
            while (true) {
                for (JsonNode m : page.path("records")) {
                    String person = m.path("ContactId").isTextual() ? m.path("ContactId").asText() : m.path("LeadId").asText();
                    memberOf.put(m.path("Id").asText(), person);
                }
                if (page.path("done").asBoolean(true) || !page.hasNonNull("nextRecordsUrl")) {
                    break;
                }
                page = api.get(page.path("nextRecordsUrl").asText());
            }
            if (memberOf.isEmpty()) {
                continue; // none of them is a member any more: removed already
            }
            List<String> memberIds = new ArrayList<>(memberOf.keySet());
            JsonNode results = api.delete(api.dataPath() + "/composite/sobjects?ids=" + String.join(",", memberIds) + "&allOrNone=false");
            for (int i = 0; i < memberIds.size(); i++) {
                checkResult(results.path(i), memberOf.get(memberIds.get(i)), Set.of("ENTITY_IS_DELETED"), outcome);
            }
        }
    }

    private static Map<String, Object> collection(List<Map<String, Object>> records) {
        return Map.of("allOrNone", false, "records", records);
    }

    /** One row of an SObject Collections answer: {@code {id, success, errors: [{statusCode, message, fields}]}}. */
    private static void checkResult(JsonNode result, String recordId, Set<String> harmless, Outcome outcome) {
        if (result.path("success").asBoolean(false)) {
            return;
        }
        JsonNode errors = result.path("errors");
        String code = errors.isArray() && !errors.isEmpty() ? errors.get(0).path("statusCode").asText("UNKNOWN") : "NO_RESULT";
        if (!harmless.contains(code)) {
            outcome.fail(recordId, code);
        }
    }

    private static String memberField(String id) {
        return switch (id.substring(0, 3)) {
            case "003" -> "ContactId";
            case "00Q" -> "LeadId";
            default -> null;
        };
    }

    static <T> List<List<T>> chunks(List<T> items) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += COLLECTION_LIMIT) {
            chunks.add(items.subList(i, Math.min(items.size(), i + COLLECTION_LIMIT)));
        }
        return chunks;
    }

    /** The record ids Salesforce did not accept, with the reason counts for the run report (codes only, no values). */
    private static final class Outcome {
        private final Set<String> failed = new HashSet<>();
        private final Map<String, Integer> reasons = new TreeMap<>();

        void fail(String recordId, String code) {
            if (failed.add(recordId)) {
                reasons.merge(code, 1, Integer::sum);
            }
        }

        boolean failed(String recordId) {
            return failed.contains(recordId);
        }

        String reasons() {
            return reasons.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        }
    }
}
