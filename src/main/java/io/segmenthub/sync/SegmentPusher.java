package io.segmenthub.sync;

import io.segmenthub.audit.AuditLog;
import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.consent.ConsentLedger;
import io.segmenthub.consent.ConsentView;
import io.segmenthub.consent.Purpose;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.profile.Attribute;
import io.segmenthub.profile.GoldenValues;
import io.segmenthub.segment.MembershipStore;
import io.segmenthub.segment.SegmentDefinition;
import io.segmenthub.subject.ErasureReceipts;
import io.segmenthub.system.HubConfig;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Plans and confirms pushes. The plan for a destination and segment is the difference between the
 * members who may be there now (in the segment, with consent for both the segment's and the
 * destination's purpose, and, when the destination names its system, with a record there) and
 * what the last successful push left there. A withdrawal therefore shows up as a remove on the
 * next push. A destination that receives e-mail addresses needs the consent to have been given for
 * that very address (consent attached to one address is not used for another address of the same
 * person). The state moves only when the destination confirmed the write, and only by the rows it
 * accepted. Between plan and confirmation the push sits in the {@link PushOutbox}, so a run that
 * stops in between leaves the next run able to ask the destination what arrived.
 */
@Component
public class SegmentPusher {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SegmentPusher.class);

    private final HubConfig config;
    private final MembershipStore memberships;
    private final PushStateStore state;
    private final ConsentView consent;
    private final JdbcClient jdbc;
    private final GoldenValues values;
    private final AuditLog audit;
    private final ErasureReceipts receipts;
    private final ConsentLedger ledger;
    private final Clock clock;
    private final PushOutbox outbox;

    public SegmentPusher(HubConfig config, MembershipStore memberships, PushStateStore state, ConsentView consent, JdbcClient jdbc,
                         GoldenValues values, AuditLog audit, ErasureReceipts receipts, ConsentLedger ledger, Clock clock,
                         PushOutbox outbox) {
        this.outbox = outbox;
        this.config = config;
        this.memberships = memberships;
        this.state = state;
        this.consent = consent;
        this.jdbc = jdbc;
        this.values = values;
        this.audit = audit;
        this.receipts = receipts;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** One plan per segment and tag the destination takes, empty ones included (they still confirm nothing). */
    public List<SegmentPush> plan(SyncRun run, String destinationId) {
        DestinationConfig destination = config.destination(destinationId);
        Map<String, String> externalIds = destination.system() == null ? Map.of() : externalIds(destination.system());
        List<SegmentDefinition> segments = new ArrayList<>(destination.segments().isEmpty() ? config.segments()
                : destination.segments().stream().map(id -> config.segmentsById().get(id)).toList());
        // tags go through the same diff and consent checks as segments; a destination takes only the ones it lists
        destination.tags().forEach(id -> segments.add(config.tagsById().get(id).asSegment()));
        List<SegmentPush> plans = new ArrayList<>();
        Map<String, String> gone = goneProfiles();
        boolean pushesEmail = destination.fields().contains(Attribute.EMAIL.key());
        Map<String, String> emailIndex = pushesEmail ? pushedEmailIndexes() : Map.of();
        Purpose destinationPurpose = config.purpose(destination.purpose());
        Map<String, Set<String>> treated = new HashMap<>();
        segments.forEach(segment -> treated.put(segment.id(), memberships.treated(segment.id()))); // the holdout is never pushed
        // consent is asked for the members alone: no one else is pushed
        Set<String> members = treated.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        // the profile's consent and the pushed address's are judged at one instant
        Instant now = clock.instant();
        long asked = System.nanoTime();
        Map<String, Map<String, Boolean>> permitted = consent.permitted(now, members::contains);
        run.report().note("consent of " + destination.id(), "decided for " + members.size() + " members in "
                + (System.nanoTime() - asked) / 1_000_000 + " ms");
        Map<String, Boolean> emailPermits = pushesEmail ? emailPermits(members.stream()
                .map(emailIndex::get).filter(Objects::nonNull).collect(Collectors.toSet()),
                destinationPurpose, now) : Map.of();
        for (SegmentDefinition segment : segments) {
            Map<String, String> desired = new TreeMap<>();
            Map<String, String> excluded = new HashMap<>();
            for (String golden : treated.get(segment.id())) {
                Map<String, Boolean> p = permitted.getOrDefault(golden, Map.of());
                if (!p.getOrDefault(segment.purpose(), false) || !p.getOrDefault(destination.purpose(), false)) {
                    excluded.put(golden, "no consent for " + (p.getOrDefault(segment.purpose(), false) ? destination.purpose() : segment.purpose()));
                    continue;
                }
                if (pushesEmail) {
                    // consent given for one address covers pushes to that address only
                    String index = emailIndex.get(golden);
                    if (index == null) {
                        excluded.put(golden, "no e-mail address to push");
                        continue;
                    }
                    if (!emailPermits.get(index)) {
                        excluded.put(golden, "no consent for " + destination.purpose() + " at the pushed e-mail address");
                        continue;
                    }
                }
                String external = externalIds.getOrDefault(golden, "");
                if (destination.system() != null && external.isEmpty()) {
                    excluded.put(golden, "no record in " + destination.system());
                    continue;
                }
                desired.put(golden, external);
            }
            long withheld = excluded.values().stream().filter(r -> r.startsWith("no consent") || r.startsWith("no e-mail")).count();
            long unmapped = excluded.size() - withheld;
            Map<String, String> pushed = state.pushed(destination.id(), segment.id());
            List<String> addIds = desired.keySet().stream().filter(g -> !pushed.containsKey(g)).toList();
            List<SegmentPush.Row> removes = pushed.entrySet().stream().filter(e -> !desired.containsKey(e.getKey()))
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> new SegmentPush.Row(e.getKey(), e.getValue(), Map.of())).toList();
            Map<String, String> reasons = new HashMap<>();
            removes.forEach(r -> reasons.put(r.goldenId(),
                    gone.getOrDefault(r.goldenId(), excluded.getOrDefault(r.goldenId(), "left the segment"))));
            List<SegmentPush.Row> adds = rows(addIds, desired, destination.fields());
            plans.add(new SegmentPush(destination.id(), segment.id(), destination.fields(), adds, removes, withheld, unmapped, reasons));
        }
        long leftOver = outbox.count(destination.id());
        if (leftOver > 0) {
            // a destination that cannot tell what arrived: its unconfirmed rows are planned again (at least once)
            log.warn("run={} destination={} {} unconfirmed rows of an interrupted run planned again", run.id(), destination.id(), leftOver);
        }
        outbox.stage(destination.id(), plans, run.id(), clock.instant());
        return plans;
    }

    /** What interrupted runs planned for the destination and did not confirm; its writer decides what arrived. */
    public List<PushOutbox.Pending> unconfirmed(String destinationId) {
        return outbox.pending(destinationId, config.destination(destinationId).fields());
    }

    /**
     * An interrupted run's push, of which the destination holds the rows of {@code delivered}:
     * those are confirmed now (state, audit, receipts) and never sent again; the rest is forgotten
     * and planned afresh.
     */
    @Transactional
    public void recover(PushOutbox.Pending pending, java.util.Set<String> delivered, SyncRun run) {
        SegmentPush arrived = pending.push().onlyFor(delivered);
        if (!arrived.isEmpty()) {
            state.apply(arrived, run.id(), clock.instant());
            audit(arrived, run, " recovered_from=" + pending.runId());
            receipts.record(arrived, run.id(), clock.instant());
            run.report().destination(arrived.destinationId()).recovered(arrived.adds().size() + arrived.removes().size());
            log.info("run={} destination={} segment={} confirmed {} rows delivered by interrupted run {}", run.id(),
                    arrived.destinationId(), arrived.segmentId(), arrived.adds().size() + arrived.removes().size(), pending.runId());
        }
        outbox.clear(pending.push().destinationId(), pending.push().segmentId());
    }

    /**
     * The destination wrote the push: move the state and audit every member sent or removed. Rows
     * it refused are counted by reason and left out of the state, so the next run plans them again.
     */
    @Transactional
    public SyncRun confirm(SegmentPush push, SyncRun run) {
        SegmentPush accepted = push.accepted();
        state.apply(accepted, run.id(), clock.instant());
        audit(accepted, run, "");
        receipts.record(accepted, run.id(), clock.instant());
        outbox.clear(push.destinationId(), push.segmentId());
        var counts = run.report().destination(push.destinationId());
        counts.add(accepted.adds().size(), accepted.removes().size(), push.withheld(), push.unmapped());
        if (!push.rejected().isEmpty()) {
            Map<String, Long> byReason = new TreeMap<>();
            push.rejected().values().forEach(reason -> byReason.merge(reason, 1L, Long::sum));
            counts.rejected(byReason);
            log.warn("run={} destination={} segment={} refused {} rows, retried on the next run: {}", run.id(), push.destinationId(),
                    push.segmentId(), push.rejected().size(), byReason);
        }
        return run;
    }

    private void audit(SegmentPush push, SyncRun run, String suffix) {
        List<AuditLog.Entry> entries = new ArrayList<>();
        String personal = push.fields().stream().filter(f -> Attribute.fromKey(f).isPresent()).toList().toString();
        push.adds().forEach(r -> entries.add(new AuditLog.Entry(run.id(), "sync", "PUSH_ADD", r.goldenId(),
                "destination=" + push.destinationId() + " segment=" + push.segmentId() + " personal_fields=" + personal + suffix)));
        push.removes().forEach(r -> entries.add(new AuditLog.Entry(run.id(), "sync", "PUSH_REMOVE", r.goldenId(),
                "destination=" + push.destinationId() + " segment=" + push.segmentId() + " reason=" + push.reasonFor(r.goldenId()) + suffix)));
        audit.append(entries);
    }

    private List<SegmentPush.Row> rows(List<String> goldenIds, Map<String, String> externalIds, List<String> fields) {
        List<Attribute> wanted = fields.stream().map(Attribute::fromKey).flatMap(Optional::stream).toList();
        Map<String, Map<Attribute, String>> values = wanted.isEmpty() ? Map.of() : this.values.of(goldenIds, Set.copyOf(wanted));
        List<SegmentPush.Row> rows = new ArrayList<>();
        for (String golden : goldenIds) {
            Map<String, String> opened = new HashMap<>();
            values.getOrDefault(golden, Map.of()).forEach((attribute, value) -> opened.put(attribute.key(), value));
            rows.add(new SegmentPush.Row(golden, externalIds.getOrDefault(golden, ""), opened));
        }
        return rows;
    }

    /** The blind index of the e-mail address each golden profile would push (its surviving e-mail's record). */
    private Map<String, String> pushedEmailIndexes() {
        Map<String, String> indexes = new HashMap<>();
        jdbc.sql("""
                        SELECT a.golden_id, i.hashed FROM golden_attribute a
                        JOIN record_index i ON i.source_record_id = a.source_record_id AND i.kind = 'email'
                        WHERE a.attribute = 'email'""")
                .query(rs -> {
                    indexes.put(rs.getString(1), rs.getString(2));
                });
        return indexes;
    }

    /**
     * Whether the consent given for each e-mail address itself (its blind index) permits the
     * destination's purpose, all addresses read at once rather than one query per member and segment.
     */
    private Map<String, Boolean> emailPermits(Set<String> indexes, Purpose purpose, Instant at) {
        Map<String, Boolean> permits = new HashMap<>();
        ledger.currentOfEach(indexes, purpose.id(), at).forEach((index, state) -> permits.put(index, purpose.basis().permits(state)));
        return permits;
    }

    /** Profiles that no longer exist as such: erased, or merged into another. */
    private Map<String, String> goneProfiles() {
        Map<String, String> gone = new HashMap<>();
        jdbc.sql("SELECT golden_id, merged_into, erased_at FROM golden_profile WHERE merged_into IS NOT NULL OR erased_at IS NOT NULL")
                .query(rs -> {
                    gone.put(rs.getString(1), rs.getString(3) != null ? "erased" : "merged into " + rs.getString(2));
                });
        return gone;
    }

    private Map<String, String> externalIds(String system) {
        Map<String, String> ids = new HashMap<>();
        jdbc.sql("""
                        SELECT g.golden_id, r.record_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id
                        WHERE r.system = :s ORDER BY r.source_updated_at, r.id""")
                .param("s", system)
                .query(rs -> {
                    ids.put(rs.getString(1), rs.getString(2));
                });
        return ids;
    }
}
