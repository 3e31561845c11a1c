package io.segmenthub.segment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.consent.ConsentView;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Evaluates every rule segment and every tag of {@code segments.yml} against every golden profile,
 * keeps membership as entered/exited stints and records each one's size per run. Rules see scores,
 * the behaviour cluster, consent and non-personal attributes, never personal data.
 */
@Component
public class Segmenter {

    private static final Logger log = LoggerFactory.getLogger(Segmenter.class);
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final HubConfig config;
    private final ConsentView consent;
    private final MembershipStore memberships;
    private final SegmentHistory history;
    private final ObjectMapper json;
    private final Clock clock;

    public Segmenter(JdbcClient jdbc, HubConfig config, ConsentView consent, MembershipStore memberships, SegmentHistory history,
                     ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.config = config;
        this.consent = consent;
        this.memberships = memberships;
        this.history = history;
        this.json = json;
        this.clock = clock;
    }

    /** Variables whose facts come from the profile's stored records, rather than from its scores. */
    static final Set<String> RECORD_VARIABLES = Set.of("attributes", "sources", "has_email", "has_phone");

    @Transactional
    public SyncRun evaluate(SyncRun run) {
        long started = System.nanoTime();
        Instant now = clock.instant();
        List<Rule> rules = new ArrayList<>();
        config.segments().forEach(definition -> rules.add(new Rule(definition, SegmentKind.SEGMENT, SegmentRule.compile(definition.rule()))));
        config.tags().forEach(tag -> rules.add(new Rule(tag.asSegment(), SegmentKind.TAG, SegmentRule.compile(tag.rule()))));
        Set<String> read = rules.stream().flatMap(rule -> rule.rule().variables().stream()).collect(Collectors.toSet());
        List<ProfileFacts> profiles = facts(now, read);
        List<SegmentHistory.Entry> sizes = new ArrayList<>();
        for (Rule rule : rules) {
            sizes.add(evaluate(run, rule.definition(), rule.rule(), rule.kind(), profiles, now));
        }
        history.record(run.id(), now, sizes);
        run.report().stageTook("segments", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }

    private SegmentHistory.Entry evaluate(SyncRun run, SegmentDefinition definition, SegmentRule rule, SegmentKind kind,
                                          List<ProfileFacts> profiles, Instant now) {
        LongAdder failed = new LongAdder();
        // a compiled rule is thread-safe: every profile on both cores
        Set<String> members = profiles.parallelStream().filter(p -> {
            try {
                return rule.matches(p);
            } catch (SegmentRuleException e) {
                failed.increment();
                return false;
            }
        }).map(ProfileFacts::goldenId).collect(Collectors.toSet());
        long errors = failed.sum();
        if (errors > 0) {
            log.warn("run={} {}={} rule failed on {} profiles; they are not members", run.id(), kind.key(), definition.id(), errors);
            run.report().note(kind.key() + " " + definition.id() + " rule errors", errors + " profiles (treated as non-members)");
        }
        Set<String> before = memberships.members(definition.id());
        List<String> entered = members.stream().filter(g -> !before.contains(g)).sorted().toList();
        List<String> exited = before.stream().filter(g -> !members.contains(g)).sorted().toList();
        memberships.enter(definition.id(), entered, definition.holdoutShare(), run.id(), now);
        memberships.exit(definition.id(), exited, run.id(), now);
        long holdout = memberships.holdoutSize(definition.id());
        var counts = kind == SegmentKind.TAG ? run.report().tag(definition.id()) : run.report().segment(definition.id());
        counts.set(members.size(), entered.size(), exited.size());
        counts.holdout(holdout);
        return new SegmentHistory.Entry(definition.id(), kind, members.size(), entered.size(), exited.size(), holdout);
    }

    /**
     * The facts of every active golden profile, built from the store, as far as the rules read them:
     * consent is worked out only when a rule reads {@code consent}, and the profile's records are read
     * only when a rule reads what comes from them (the other facts stay empty, which no rule can tell).
     */
    List<ProfileFacts> facts(Instant now, Set<String> read) {
        LocalDate asOf = config.hub().scoring().fixedAsOf().orElse(LocalDate.ofInstant(now, clock.getZone()));
        Map<String, Map<String, Boolean>> permitted = read.contains("consent") ? consent.permitted(now) : Map.of();
        Map<String, Merged> merged = read.stream().anyMatch(RECORD_VARIABLES::contains) ? merged() : Map.of();
        List<ProfileFacts> facts = new ArrayList<>();
        jdbc.sql("""
                        SELECT golden_id, orders, revenue, last_purchase, events, recency, frequency, monetary, clv, p_alive, cluster_id
                        FROM profile_score ORDER BY golden_id""")
                .query(rs -> {
                    String golden = rs.getString(1);
                    int orders = rs.getInt(2);
                    BigDecimal revenue = rs.getBigDecimal(3);
                    LocalDate last = rs.getObject(4, LocalDate.class);
                    Optional<RfmScore> rfm = orders == 0 ? Optional.empty()
                            : Optional.of(RfmScorer.classify(rs.getInt(6), rs.getInt(7), rs.getInt(8)));
                    Merged records = merged.getOrDefault(golden, Merged.NONE);
                    BigDecimal clv = rs.getBigDecimal(9);
                    double pAlive = rs.getDouble(10);
                    OptionalDouble alive = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(pAlive);
                    facts.add(new ProfileFacts(golden, rfm, permitted.getOrDefault(golden, Map.of()),
                            records.attributes(), records.sources(),
                            orders, revenue, last == null ? OptionalLong.empty() : OptionalLong.of(ChronoUnit.DAYS.between(last, asOf)),
                            rs.getLong(5), records.hasEmail(), records.hasPhone(),
                            clv == null ? OptionalDouble.empty() : OptionalDouble.of(clv.doubleValue()), alive,
                            Optional.ofNullable(rs.getString(11))));
                });
        return facts;
    }

    /** Each profile's records taken together. */
    private Map<String, Merged> merged() {
        // each profile's records are put in order where they are merged, on both cores, rather than
        // the store sorting a million rows for it
        Map<String, List<StoredRecord>> rows = new HashMap<>();
        jdbc.sql("""
                        SELECT g.golden_id, r.source_updated_at, r.id, r.system, r.attributes, r.present, r.invalid
                        FROM source_record r JOIN record_golden g ON g.source_record_id = r.id""")
                .query(rs -> {
                    rows.computeIfAbsent(rs.getString(1), k -> new ArrayList<>(2)).add(new StoredRecord(rs.getTimestamp(2), rs.getLong(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                });
        Map<String, Merged> merged = new ConcurrentHashMap<>();
        rows.entrySet().parallelStream().forEach(e -> merged.put(e.getKey(), merge(e.getValue(), this::read)));
        rows.clear();
        return merged;
    }

    /** A segment or tag with its compiled rule. */
    private record Rule(SegmentDefinition definition, SegmentKind kind, SegmentRule rule) {
    }

    /** One stored record of a profile, as far as its facts need it. */
    record StoredRecord(Timestamp updated, long id, String system, String attributesJson, String present, String invalid) {
    }

    /** A profile's records taken together. */
    record Merged(Map<String, String> attributes, Set<String> sources, boolean hasEmail, boolean hasPhone) {
        static final Merged NONE = new Merged(Map.of(), Set.of(), false, false);
    }

    /**
     * A profile's records taken together, in the order they changed in their sources (then stored):
     * a later record's attribute wins, whatever order the records come in.
     */
    static Merged merge(List<StoredRecord> records, Function<String, Map<String, String>> read) {
        List<StoredRecord> inOrder = new ArrayList<>(records);
        inOrder.sort(Comparator.comparing(StoredRecord::updated).thenComparingLong(StoredRecord::id));
        Map<String, String> attributes = new TreeMap<>();
        Set<String> systems = new HashSet<>();
        boolean email = false;
        boolean phone = false;
        for (StoredRecord record : inOrder) {
            systems.add(record.system());
            attributes.putAll(read.apply(record.attributesJson()));
            List<String> present = List.of(record.present().split(","));
            List<String> invalid = List.of(record.invalid().split(","));
            email |= present.contains("email") && !invalid.contains("email");
            phone |= present.contains("phone") && !invalid.contains("phone");
        }
        return new Merged(attributes, systems, email, phone);
    }

    private Map<String, String> read(String attributesJson) {
        try {
            return new LinkedHashMap<>(json.readValue(attributesJson, STRINGS));
        } catch (IOException e) {
            throw new IllegalStateException("stored attributes are not a JSON object of strings", e);
        }
    }
}
