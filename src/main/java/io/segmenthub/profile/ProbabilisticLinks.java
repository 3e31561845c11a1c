package io.segmenthub.profile;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.profile.matching.BlockingKeys;
import io.segmenthub.profile.matching.BlockingRule;
import io.segmenthub.profile.matching.Comparison;
import io.segmenthub.profile.matching.Comparisons;
import io.segmenthub.profile.matching.FellegiSunterModel;
import io.segmenthub.profile.matching.MatchEngine;
import io.segmenthub.profile.matching.MatchRecord;
import io.segmenthub.profile.matching.MatchResult;
import io.segmenthub.profile.matching.MatchSettings;
import io.segmenthub.profile.matching.ScoredPair;
import io.segmenthub.system.Futures;
import io.segmenthub.system.InLists;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Probabilistic links between source records (Fellegi-Sunter with weights learned by EM on the
 * store's own records, see {@link MatchEngine}): names with typos, nicknames, swapped fields and
 * pinyin versus hanzi, birth dates with transposed digits, shared postcodes and streets. The
 * records' personal data is opened only in memory, for the length of the resolution; nothing
 * plaintext is written back: the store keeps the joining links with their evidence (ids and
 * weights), blind indexes of each record's blocking keys and the learned model's numbers, so the
 * next run compares only new and changed records (see {@link MatchStateStore}). Joins go through
 * the household guard ({@link GuardedLinking}).
 */
@Component
public class ProbabilisticLinks {

    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() { };
    private static final Pattern HAN = Pattern.compile("\\p{IsHan}+");
    /** Fields with few distinct values, shared between the records that hold the same one. */
    private static final List<String> REPEATING_FIELDS = List.of("given_name", "family_name", "city");
    /** Records read from the store before they are opened together, on every core. */
    private static final int OPENED_TOGETHER = 10_000;

    /**
     * What one resolution found, without personal data: the links that joined records (store ids,
     * weights, evidence) and counts.
     *
     * @param comparedPairs  record pairs compared (all candidate pairs on a full resolution, only
     *                       those touching a new or changed record on an incremental one)
     * @param openedRecords  records whose personal data was opened in memory for the comparison
     * @param vetoed         joins the household guard refused
     * @param uncorroborated pairs over the threshold that agreed on nothing singling a person out
     */
    public record Links(List<GuardedLinking.Candidate> joined, long comparedPairs, int skippedBlocks, int records,
                        int openedRecords, int vetoed, int uncorroborated, boolean incremental) {

        /** The joined pairs as store ids. */
        public List<long[]> pairs() {
            return joined.stream().map(c -> new long[]{c.left(), c.right()}).toList();
        }
    }

    private final JdbcClient jdbc;
    /** Reads rows as they are used, a slice at a time, where PostgreSQL's driver would otherwise hold the whole result. */
    private final JdbcClient streaming;
    private final PersonalDataVault vault;
    private final ObjectMapper json;
    private final BlindIndex blindIndex;
    private final MatchStateStore state;
    private final MatchSettings settings = settings();
    private final MatchEngine engine = new MatchEngine(settings);
    private final GuardedLinking linking = new GuardedLinking(settings.comparisons());

    public ProbabilisticLinks(JdbcClient jdbc, NamedParameterJdbcTemplate named, PersonalDataVault vault, ObjectMapper json,
                              BlindIndex blindIndex, MatchStateStore state) {
        this.jdbc = jdbc;
        JdbcTemplate streaming = new JdbcTemplate(Objects.requireNonNull(named.getJdbcTemplate().getDataSource()));
        streaming.setFetchSize(OPENED_TOGETHER);
        this.streaming = JdbcClient.create(streaming);
        this.vault = vault;
        this.json = json;
        this.blindIndex = blindIndex;
        this.state = state;
    }

    /**
     * Blocking and comparisons over the hub's canonical, cleaned attributes. Every name rule is
     * paired with a second strong field (a birth date or a postcode), so blocks stay the size of a
     * name's namesakes rather than growing with the population: on 300,000 synthetic records the
     * looser rules used before (exact birth date alone, family name with birth year or town) made
     * 38.7 million candidate pairs and swamped EM with non-matches (clusters F1 0.35, 673 s); these
     * make 2.4 million on a million records, clusters F1 0.929 (MatchingBench, hub's settings, the
     * engine alone; see docs/benchmarks.md).
     */
    public static MatchSettings settings() {
        return MatchSettings.of(
                List.of(
                        BlockingRule.exact("email"),
                        BlockingRule.exact("phone"),
                        BlockingRule.on("birth date + family name metaphone",
                                BlockingKeys.exact("birth_date"), BlockingKeys.doubleMetaphone("family_name")),
                        BlockingRule.on("birth date + given name metaphone",
                                BlockingKeys.exact("birth_date"), BlockingKeys.doubleMetaphone("given_name")),
                        BlockingRule.on("given name prefix + postcode", BlockingKeys.prefix("given_name", 3), BlockingKeys.exact("postcode")),
                        BlockingRule.on("name in pinyin + birth year",
                                BlockingKeys.pinyinName("given_name", "family_name"), BlockingKeys.year("birth_date")),
                        BlockingRule.on("given + family name metaphone + postcode", BlockingKeys.doubleMetaphone("given_name"),
                                BlockingKeys.doubleMetaphone("family_name"), BlockingKeys.exact("postcode"))),
                List.of(
                        Comparisons.name("given_name", "family_name"),
                        Comparisons.name("family_name", "given_name"),
                        Comparisons.date("birth_date"),
                        Comparisons.email("email"),
                        Comparisons.identifier("phone"),
                        Comparisons.text("street"),
                        Comparisons.identifier("postcode"),
                        Comparisons.text("city")));
    }

    /**
     * What an incremental resolution knows before it reads the profiles around the change: the new
     * and changed records, opened, with their blocking keys stored afresh ({@code keys}: how many
     * were added and removed, the rest kept), and each one's block-mates (the records a new link
     * could join it to).
     */
    public record Increment(Set<Long> changed, Map<Long, MatchRecord> opened, Map<Long, Set<Long>> neighbours,
                            MatchStateStore.Model model, MatchStateStore.KeyChanges keys) {

        /** Every record sharing a block with a changed one. */
        public Set<Long> blockMates() {
            Set<Long> mates = new HashSet<>();
            neighbours.values().forEach(mates::addAll);
            return mates;
        }
    }

    /**
     * Starts an incremental resolution around {@code changed}; empty when no model was learned under
     * these settings, so the run must resolve in full (and learn one).
     */
    public Optional<Increment> increment(Set<Long> changed) {
        Optional<MatchStateStore.Model> stored = state.model().filter(m -> m.settings().equals(signature()));
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Map<Long, MatchRecord> opened = changed.isEmpty() ? Map.of() : open(changed);
        List<MatchStateStore.Key> keys = new ArrayList<>();
        opened.forEach((id, r) -> keys.addAll(keys(id, r)));
        MatchStateStore.KeyChanges written = state.replaceKeys(changed, keys);
        Map<Long, Set<Long>> neighbours = changed.isEmpty() ? Map.of() : state.sharingABlock(changed, settings.maxBlockSize());
        return Optional.of(new Increment(Set.copyOf(changed), opened, neighbours, stored.get(), written));
    }

    /**
     * Links every record by Fellegi-Sunter scores and shared phones, under the household guard, on
     * top of the deterministic groups (records sharing a blind-indexed e-mail), and learns the model
     * anew.
     */
    public Links full(List<SourceRecordStore.Facts> facts, Map<Long, List<SourceRecordStore.IndexEntry>> indexes, String runId, Instant now) {
        List<List<Long>> groups = groups(facts, indexes);
        Map<Long, MatchRecord> open = open(null);
        List<MatchRecord> records = new ArrayList<>(open.values());
        List<ScoredPair> matches = List.of();
        long compared = 0;
        int skipped = 0;
        FellegiSunterModel model = null;
        if (records.size() >= 2) {
            try {
                MatchResult result = engine.resolve(records);
                model = result.model();
                compared = result.candidatePairs();
                skipped = result.skippedBlocks().size();
                matches = result.matches();
            } catch (IllegalArgumentException e) {
                // blocking found no candidate pairs to learn from: nothing to link probabilistically
            }
        }
        // the matches' evidence, the phone pairs and the guarded linking need only what is in memory:
        // worked out on a thread of their own while the store takes every record's blocking keys and
        // builds their indexes (a fifth of the stage, with the hub's cores mostly idle)
        FellegiSunterModel trained = model;
        List<ScoredPair> matched = matches;
        CompletableFuture<GuardedLinking.Outcome> linked = Futures.beside(() -> {
            // scored here; their evidence is written below, only for the pairs that join records
            List<GuardedLinking.Candidate> candidates = new ArrayList<>();
            for (ScoredPair p : matched) {
                candidates.add(scored(trained, open.get(Long.parseLong(p.pair().left())), open.get(Long.parseLong(p.pair().right())),
                        false));
            }
            candidates.addAll(phonePairs(indexes, null, open, trained, this::scored));
            GuardedLinking.Outcome found = linking.link(groups, candidates, open);
            return new GuardedLinking.Outcome(found.joined().stream().map(c -> c.evidence().equals(UNEXPLAINED)
                    ? candidate(trained, open.get(c.left()), open.get(c.right()), c.sharedPhone()) : c).toList(),
                    found.vetoed(), found.uncorroborated());
        });
        state.replaceAllKeys(open.entrySet(), e -> keys(e.getKey(), e.getValue()));
        if (model != null) {
            state.saveModel(new MatchStateStore.Model(signature(), parameters(model)), runId, now);
        }
        GuardedLinking.Outcome outcome = Futures.awaited(linked);
        state.replaceLinks(outcome.joined(), runId);
        return new Links(outcome.joined(), compared, skipped, facts.size(), open.size(), outcome.vetoed(), outcome.uncorroborated(), false);
    }

    /**
     * Compares the changed records with their block-mates under the stored model and links the
     * records of {@code facts}: the changed records and every profile they or their e-mail, phone and
     * block-mates belong to. Nothing outside can gain or lose a link (a link or shared e-mail
     * between two unchanged records was there before, so both are in one profile), so the links
     * among them are kept as stored and only those in {@code facts} are read and replaced.
     *
     * @param storeRecords how many records with an identity the store holds, for the report
     */
    public Links incremental(Increment increment, List<SourceRecordStore.Facts> facts,
                             Map<Long, List<SourceRecordStore.IndexEntry>> indexes, long storeRecords, String runId) {
        List<List<Long>> groups = groups(facts, indexes);
        Set<Long> scope = new HashSet<>();
        facts.forEach(f -> scope.add(f.id()));
        Set<Long> changed = new TreeSet<>(increment.changed());
        changed.retainAll(scope);
        // open what the guard must see: every record in scope (the changed ones are open already)
        Set<Long> wanted = new HashSet<>(scope);
        wanted.removeAll(increment.opened().keySet());
        Map<Long, MatchRecord> open = new HashMap<>(increment.opened());
        if (!wanted.isEmpty()) {
            open.putAll(open(wanted));
        }
        FellegiSunterModel model = restore(increment.model().parameters(), open.values());

        List<GuardedLinking.Candidate> stored = state.links(scope);
        List<GuardedLinking.Candidate> candidates = new ArrayList<>();
        for (var kept : stored) {
            if (!changed.contains(kept.left()) && !changed.contains(kept.right())) {
                candidates.add(kept);
            }
        }
        long compared = 0;
        Set<String> seen = new HashSet<>();
        for (long c : changed) {
            MatchRecord left = open.get(c);
            if (left == null) {
                continue;
            }
            for (long n : increment.neighbours().getOrDefault(c, Set.of())) {
                MatchRecord right = open.get(n);
                if (right == null || !seen.add(Math.min(c, n) + ":" + Math.max(c, n))) {
                    continue;
                }
                compared++;
                GuardedLinking.Candidate candidate = candidate(model, left, right, false);
                if (candidate.matchProbability() >= settings.matchThreshold()) {
                    candidates.add(candidate);
                }
            }
        }
        candidates.addAll(phonePairs(indexes, changed, open, model, this::candidate));
        GuardedLinking.Outcome outcome = linking.link(groups, candidates, open);
        state.replaceLinks(outcome.joined(), runId, stored);
        return new Links(outcome.joined(), compared, 0, (int) storeRecords, open.size(), outcome.vetoed(), outcome.uncorroborated(), true);
    }

    /** The records already known to be together: those sharing a blind-indexed e-mail, as store ids. */
    private static List<List<Long>> groups(List<SourceRecordStore.Facts> facts, Map<Long, List<SourceRecordStore.IndexEntry>> indexes) {
        return IdentityResolver.components(facts, deterministic(indexes)).stream()
                .map(c -> c.stream().map(SourceRecordStore.Facts::id).toList()).toList();
    }

    /** Only e-mails join records outright; a shared phone may be a household's landline, so it goes through the guard. */
    public static Map<Long, List<SourceRecordStore.IndexEntry>> deterministic(Map<Long, List<SourceRecordStore.IndexEntry>> indexes) {
        Map<Long, List<SourceRecordStore.IndexEntry>> emails = new HashMap<>();
        indexes.forEach((id, list) -> emails.put(id, list.stream().filter(i -> i.kind().equals("email")).toList()));
        return emails;
    }

    private static Map<Long, Set<Long>> phoneMates(Map<Long, List<SourceRecordStore.IndexEntry>> indexes) {
        Map<String, List<Long>> byPhone = new HashMap<>();
        indexes.forEach((id, list) -> list.stream().filter(i -> i.kind().equals("phone"))
                .forEach(i -> byPhone.computeIfAbsent(i.value(), k -> new ArrayList<>()).add(id)));
        Map<Long, Set<Long>> mates = new HashMap<>();
        for (List<Long> ids : byPhone.values()) {
            if (ids.size() < 2 || ids.size() > 50) {
                continue; // a number shared by more than 50 records is a switchboard, not a person
            }
            for (Long a : ids) {
                for (Long b : ids) {
                    if (!a.equals(b)) {
                        mates.computeIfAbsent(a, k -> new HashSet<>()).add(b);
                    }
                }
            }
        }
        return mates;
    }

    /** Pairs sharing a blind-indexed phone (touching {@code only}, when given), scored when both sides are open. */
    private List<GuardedLinking.Candidate> phonePairs(Map<Long, List<SourceRecordStore.IndexEntry>> indexes, Set<Long> only,
                                                      Map<Long, MatchRecord> open, FellegiSunterModel model, Scorer scorer) {
        List<GuardedLinking.Candidate> pairs = new ArrayList<>();
        phoneMates(indexes).forEach((a, mates) -> {
            for (Long b : mates) {
                if (a < b && (only == null || only.contains(a) || only.contains(b))) {
                    MatchRecord left = open.get(a);
                    MatchRecord right = open.get(b);
                    pairs.add(model != null && left != null && right != null ? scorer.score(model, left, right, true)
                            : new GuardedLinking.Candidate(a, b, Double.POSITIVE_INFINITY, 1.0, "{\"sharedPhone\":true}", true));
                }
            }
        });
        return pairs;
    }

    /** Scores a pair of open records, with or without writing its evidence. */
    @FunctionalInterface
    private interface Scorer {
        GuardedLinking.Candidate score(FellegiSunterModel model, MatchRecord left, MatchRecord right, boolean sharedPhone);
    }

    /** The evidence of a pair scored without it ({@link #scored}), to be written if the pair joins records. */
    private static final String UNEXPLAINED = "";

    /** A scored pair without its evidence, its weight summed by {@link #matchWeight} as {@link #candidate}'s is. */
    private GuardedLinking.Candidate scored(FellegiSunterModel model, MatchRecord left, MatchRecord right, boolean sharedPhone) {
        double weight = matchWeight(model, model.comparisonWeights(model.comparisonLevels(left, right), left, right));
        return new GuardedLinking.Candidate(Long.parseLong(left.id()), Long.parseLong(right.id()), weight,
                FellegiSunterModel.probability(weight), UNEXPLAINED, sharedPhone);
    }

    /** The prior and each comparison's weight, summed in one order, so a pair scored twice scores the same. */
    private static double matchWeight(FellegiSunterModel model, double[] weights) {
        double weight = model.priorWeight();
        for (double w : weights) {
            weight += w;
        }
        return weight;
    }

    /** A scored pair with its evidence: per comparison the level and the weight it added (ids and numbers only). */
    private GuardedLinking.Candidate candidate(FellegiSunterModel model, MatchRecord left, MatchRecord right, boolean sharedPhone) {
        int[] levels = model.comparisonLevels(left, right);
        double[] weights = model.comparisonWeights(levels, left, right);
        double weight = matchWeight(model, weights);
        List<Map<String, Object>> parts = new ArrayList<>();
        for (int c = 0; c < levels.length; c++) {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("comparison", model.comparisons().get(c).name());
            part.put("level", model.comparisons().get(c).label(levels[c]));
            part.put("weight", Math.round(weights[c] * 100) / 100.0);
            parts.add(part);
        }
        double probability = FellegiSunterModel.probability(weight);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("sharedPhone", sharedPhone);
        evidence.put("prior", Math.round(model.priorWeight() * 100) / 100.0);
        evidence.put("comparisons", parts);
        try {
            return new GuardedLinking.Candidate(Long.parseLong(left.id()), Long.parseLong(right.id()), weight, probability,
                    json.writeValueAsString(evidence), sharedPhone);
        } catch (IOException e) {
            throw new IllegalStateException("match evidence could not be written", e);
        }
    }

    /** The blind-indexed blocking keys and term-frequency values of a record. */
    private List<MatchStateStore.Key> keys(long id, MatchRecord record) {
        List<MatchStateStore.Key> keys = new ArrayList<>();
        for (BlockingRule rule : settings.blockingRules()) {
            for (String key : rule.keys().apply(record)) {
                keys.add(new MatchStateStore.Key(id, "block", blindIndex.of("match-block", rule.name() + "|" + key)));
            }
        }
        for (Comparison comparison : settings.comparisons()) {
            if (FellegiSunterModel.termFrequencyAdjusted(comparison)) {
                record.field(comparison.field()).ifPresent(v -> keys.add(new MatchStateStore.Key(id, "tf:" + comparison.field(),
                        blindIndex.of("match-tf", comparison.field() + "|" + v))));
            }
        }
        return keys;
    }

    /** The stored model, with term frequencies of the open records' values counted over the store's blind indexes. */
    private FellegiSunterModel restore(String parameters, Collection<MatchRecord> open) {
        try {
            Map<String, Object> p = json.readValue(parameters, new TypeReference<>() { });
            double[][] m = json.convertValue(p.get("m"), double[][].class);
            double[][] u = json.convertValue(p.get("u"), double[][].class);
            List<Map<String, Double>> tf = new ArrayList<>();
            for (Comparison comparison : settings.comparisons()) {
                Map<String, Double> shares = new HashMap<>();
                if (FellegiSunterModel.termFrequencyAdjusted(comparison)) {
                    String kind = "tf:" + comparison.field();
                    Map<String, String> hashOf = new HashMap<>();
                    open.forEach(r -> r.field(comparison.field()).ifPresent(v ->
                            hashOf.put(v, blindIndex.of("match-tf", comparison.field() + "|" + v))));
                    Map<String, Long> counts = state.counts(kind, hashOf.values());
                    long holding = Math.max(1, state.holding(kind));
                    hashOf.forEach((v, h) -> shares.put(v, counts.getOrDefault(h, 0L) / (double) holding));
                }
                tf.add(shares);
            }
            return FellegiSunterModel.restore(settings.comparisons(), m, u, ((Number) p.get("lambda")).doubleValue(),
                    ((Number) p.get("iterations")).intValue(), tf);
        } catch (IOException e) {
            throw new IllegalStateException("stored match model is not readable JSON", e);
        }
    }

    private String parameters(FellegiSunterModel model) {
        List<Comparison> comparisons = model.comparisons();
        double[][] m = new double[comparisons.size()][];
        double[][] u = new double[comparisons.size()][];
        for (int c = 0; c < comparisons.size(); c++) {
            int levels = comparisons.get(c).levels().size();
            m[c] = new double[levels];
            u[c] = new double[levels];
            for (int l = 0; l < levels; l++) {
                m[c][l] = model.m(c, l);
                u[c][l] = model.u(c, l);
            }
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("lambda", model.lambda());
        p.put("iterations", model.iterations());
        p.put("m", m);
        p.put("u", u);
        try {
            return json.writeValueAsString(p);
        } catch (IOException e) {
            throw new IllegalStateException("match model could not be written", e);
        }
    }

    /** What the stored model depends on: blocking rule names, comparisons and their levels. */
    private String signature() {
        StringBuilder s = new StringBuilder();
        settings.blockingRules().forEach(r -> s.append(r.name()).append(';'));
        for (Comparison c : settings.comparisons()) {
            s.append(c.name()).append('[');
            c.levels().forEach(l -> s.append(l.label()).append(','));
            s.append(']');
        }
        return s.toString();
    }

    /** The records' identity attributes, opened in memory only: all of them, or those with the given ids. */
    private Map<Long, MatchRecord> open(Set<Long> ids) {
        Map<Long, MatchRecord> records = new LinkedHashMap<>();
        // names and towns repeat across records: one copy of each while this run resolves
        Map<String, String> repeated = new HashMap<>();
        // the data keys come in the same query: one round trip per chunk, not one per record
        String sql = """
                SELECT r.id, r.system, r.record_id, r.pii, r.attributes, r.invalid, k.master_key_id, k.wrapped
                FROM source_record r LEFT JOIN data_key k ON k.id = r.data_key_id
                WHERE r.present <> ''""";
        List<List<Long>> chunks = new ArrayList<>();
        if (ids == null) {
            chunks.add(null);
        } else {
            chunks.addAll(InLists.of(new ArrayList<>(new TreeSet<>(ids))));
        }
        Opening opening = new Opening(records, repeated);
        for (List<Long> chunk : chunks) {
            var statement = streaming.sql(sql + (chunk == null ? "" : " AND r.id IN (:ids)") + " ORDER BY r.id");
            if (chunk != null) {
                statement = statement.param("ids", chunk);
            }
            statement.query(rs -> {
                opening.add(new Stored(rs.getLong("id"), rs.getString("system") + "/" + rs.getString("record_id"), rs.getBytes("pii"),
                        rs.getString("attributes"), rs.getString("invalid"), rs.getString("master_key_id"), rs.getBytes("wrapped")));
            });
        }
        opening.finish();
        return records;
    }

    /** A stored record's row, as read, before its personal data is opened. */
    private record Stored(long id, String aad, byte[] pii, String attributes, String invalid, String masterKeyId, byte[] wrapped) {
    }

    /**
     * Rows read, opened {@value #OPENED_TOGETHER} at a time (decryption and parsing on every core)
     * while the rows after them are read: reading the result set keeps one thread busy, opening the
     * others. Records are added in the order read.
     */
    private final class Opening {

        private final Map<Long, MatchRecord> records;
        private final Map<String, String> repeated;
        private List<Stored> read = new ArrayList<>(OPENED_TOGETHER);
        private List<Stored> inFlight = List.of();
        private CompletableFuture<List<Map<String, String>>> opened = CompletableFuture.completedFuture(List.of());

        Opening(Map<Long, MatchRecord> records, Map<String, String> repeated) {
            this.records = records;
            this.repeated = repeated;
        }

        void add(Stored row) {
            read.add(row);
            if (read.size() == OPENED_TOGETHER) {
                settle();
                List<Stored> next = read;
                inFlight = next;
                opened = Futures.beside(() -> next.parallelStream().map(ProbabilisticLinks.this::fields).toList());
                read = new ArrayList<>(OPENED_TOGETHER);
            }
        }

        void finish() {
            settle();
            inFlight = read;
            opened = CompletableFuture.completedFuture(read.parallelStream().map(ProbabilisticLinks.this::fields).toList());
            settle();
        }

        /** Adds the rows opened in the background, once they are. */
        private void settle() {
            List<Map<String, String>> fields = Futures.awaited(opened);
            for (int i = 0; i < inFlight.size(); i++) {
                Map<String, String> f = fields.get(i);
                for (String field : REPEATING_FIELDS) {
                    f.computeIfPresent(field, (k, v) -> repeated.computeIfAbsent(v, x -> x));
                }
                long id = inFlight.get(i).id();
                records.put(id, new MatchRecord(String.valueOf(id), f));
            }
            inFlight = List.of();
            opened = CompletableFuture.completedFuture(List.of());
        }
    }

    private Map<String, String> fields(Stored row) {
        Map<String, String> values = new HashMap<>(read(row.attributes()));
        if (row.pii() != null) {
            vault.open(row.masterKeyId(), row.wrapped(), row.pii(), row.aad())
                    .map(b -> read(new String(b, StandardCharsets.UTF_8))).ifPresent(values::putAll);
        }
        for (String invalid : row.invalid().split(",")) {
            values.remove(invalid); // an invalid value is no evidence either way
        }
        return fields(values);
    }

    /** The fields the comparisons read, lower-cased; a full name alone is split into given and family name. */
    static Map<String, String> fields(Map<String, String> values) {
        Map<String, String> fields = new HashMap<>();
        for (String key : List.of("given_name", "family_name", "email", "phone", "birth_date", "street", "postcode", "city")) {
            String v = values.get(key);
            if (v != null && !v.isBlank()) {
                fields.put(key, v.toLowerCase(Locale.ROOT));
            }
        }
        String full = values.get("full_name");
        if (full != null && !full.isBlank() && !fields.containsKey("given_name") && !fields.containsKey("family_name")) {
            // a display name ("小伟", "Emma ✈️") is no evidence that two given names differ
            fields.put(GuardedLinking.NAME_FROM_DISPLAY, "true");
            String name = full.strip().toLowerCase(Locale.ROOT);
            if (HAN.matcher(name).matches() && name.length() >= 2) {
                fields.put("family_name", name.substring(0, 1)); // Chinese order: family name first
                fields.put("given_name", name.substring(1));
            } else if (name.contains(" ")) {
                fields.put("given_name", name.substring(0, name.indexOf(' ')));
                fields.put("family_name", name.substring(name.lastIndexOf(' ') + 1));
            } else {
                fields.put("given_name", name);
            }
        }
        return fields;
    }

    private Map<String, String> read(String text) {
        try {
            return json.readValue(text, STRINGS);
        } catch (IOException e) {
            throw new IllegalStateException("stored attributes are not a JSON object of strings", e);
        }
    }
}
