package io.segmenthub.profile;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunStore;
import io.segmenthub.profile.matching.BlockingKeys;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Deterministic identity resolution: records that share a blind-indexed e-mail or phone belong to
 * one person (connected components, union-find). Golden ids are stable: a component keeps the
 * oldest golden id among its records; other ids it absorbed become aliases (a merge); when a
 * profile's records fall apart, the largest part keeps the id and the rest get new ones (a split).
 * Every merge and split is recorded with the evidence that caused it.
 */
@Component
public class IdentityResolver {

    private final SourceRecordStore records;
    private final GoldenProfileStore profiles;
    private final Clock clock;
    private final Supplier<String> newId;
    private final Optional<ProbabilisticLinks> probabilistic;
    private ResolutionMode mode = new ResolutionMode(false);
    /** The runs whose stored records may not have been resolved, besides the current one (see {@link SyncRunStore#failedSinceLastSuccess}). */
    private Function<String, List<String>> failedRuns = current -> List.of();

    @org.springframework.beans.factory.annotation.Autowired
    public IdentityResolver(SourceRecordStore records, GoldenProfileStore profiles, Clock clock, ProbabilisticLinks probabilistic,
                            io.segmenthub.system.HubConfig config, ResolutionMode mode, SyncRunStore runs) {
        this(records, profiles, clock, () -> UUID.randomUUID().toString(),
                config.hub().resolution().probabilisticOrDefault() ? Optional.of(probabilistic) : Optional.empty());
        this.mode = mode;
        this.failedRuns = runs::failedSinceLastSuccess;
    }

    IdentityResolver(SourceRecordStore records, GoldenProfileStore profiles, Clock clock, Supplier<String> newId) {
        this(records, profiles, clock, newId, Optional.empty());
    }

    IdentityResolver(SourceRecordStore records, GoldenProfileStore profiles, Clock clock, Supplier<String> newId,
                     Optional<ProbabilisticLinks> probabilistic) {
        this.records = records;
        this.profiles = profiles;
        this.clock = clock;
        this.newId = newId;
        this.probabilistic = probabilistic;
    }

    /**
     * Resolves the store's records into golden profiles. A run that changed less than half the
     * records (and, with probabilistic matching, finds a model learned under the current settings)
     * resolves only around the change: the new and changed records, the records sharing an e-mail,
     * phone or blocking key with them, and every profile any of those belongs to. Nothing else can
     * gain or lose a link, because whatever joins two unchanged records joined them before, so the
     * rest of the store keeps its profiles and is not read.
     */
    @Transactional
    public SyncRun resolve(SyncRun run) {
        try {
            return resolveRecords(run);
        } finally {
            BlockingKeys.forgetValues(); // names romanised and coded for blocking are kept no longer than the stage
        }
    }

    private SyncRun resolveRecords(SyncRun run) {
        long started = System.nanoTime();
        Instant now = clock.instant();
        boolean full = mode.takeFull();
        // a run that failed after its pull committed left records stored but not resolved; pulled
        // again unchanged they are not stored again, so they are resolved as this run's own
        List<String> failed = failedRuns.apply(run.id());
        List<String> storedBy = new ArrayList<>(failed);
        storedBy.add(run.id());
        Set<Long> changed = records.unresolved(storedBy);
        if (!failed.isEmpty()) {
            run.report().note("resolution.after failed runs", "the records stored by " + failed.size() + " run(s) that did not succeed"
                    + " since the last that did are resolved with this run's: " + String.join(", ", failed));
        }
        long identified = records.identifiedCount();
        Optional<ProbabilisticLinks.Increment> increment = Optional.empty();
        boolean scoped = !full && changed.size() * 2L <= identified;
        if (scoped && probabilistic.isPresent()) {
            increment = probabilistic.get().increment(changed);
            scoped = increment.isPresent();
        }

        List<SourceRecordStore.Facts> facts;
        Map<Long, List<SourceRecordStore.IndexEntry>> indexes;
        Map<String, GoldenProfileStore.Profile> existing;
        if (scoped) {
            Set<Long> reach = records.sharingAnIndex(changed);
            reach.addAll(changed);
            increment.ifPresent(i -> reach.addAll(i.blockMates()));
            existing = profiles.byIds(records.goldenIdsOf(reach));
            facts = records.identified(changed, existing.keySet());
            List<Long> ids = facts.stream().map(SourceRecordStore.Facts::id).toList();
            indexes = records.indexes(ids);
            run.report().note("resolution", "incremental: " + changed.size() + " new or changed records; " + facts.size()
                    + " records in " + existing.size() + " profiles around them resolved again, the other "
                    + (identified - facts.size()) + " records kept their profiles");
        } else {
            facts = records.identified();
            indexes = records.indexes();
            existing = profiles.all();
        }

        List<long[]> links = List.of();
        Map<String, Double> linkWeights = new HashMap<>();
        Map<Long, List<SourceRecordStore.IndexEntry>> joining = indexes;
        if (probabilistic.isPresent()) {
            ProbabilisticLinks.Links found = increment.isPresent()
                    ? probabilistic.get().incremental(increment.get(), facts, indexes, identified, run.id())
                    : probabilistic.get().full(facts, indexes, run.id(), now);
            links = found.pairs();
            found.joined().forEach(c -> linkWeights.put(c.left() + "-" + c.right(), c.matchWeight()));
            joining = ProbabilisticLinks.deterministic(indexes);
            run.report().note("matching", (found.incremental() ? "incremental: " + changed.size() + " new or changed records, " : "full: ")
                    + found.records() + " records, " + found.openedRecords() + " opened, " + found.comparedPairs() + " pairs compared, "
                    + found.joined().size() + " links joined (Fellegi-Sunter, EM; shared phones), "
                    + found.vetoed() + " held apart by the household guard, " + found.uncorroborated() + " uncorroborated"
                    + (found.skippedBlocks() > 0 ? ", " + found.skippedBlocks() + " oversized blocks skipped" : "")
                    + increment.map(i -> "; match keys of the changed records: " + i.keys().added() + " added, " + i.keys().removed()
                            + " removed, the others kept").orElse(""));
            run.report().note("matching.compared-pairs", String.valueOf(found.comparedPairs()));
        }
        List<List<SourceRecordStore.Facts>> components = components(facts, joining, links);
        components.sort(Comparator.<List<SourceRecordStore.Facts>>comparingInt(List::size).reversed()
                .thenComparingLong(c -> c.get(0).id()));

        Set<String> claimed = new HashSet<>();
        Set<String> created = new TreeSet<>();
        Set<String> updated = new TreeSet<>();
        Map<String, String> merged = new LinkedHashMap<>();
        List<GoldenProfileStore.Change> changes = new ArrayList<>();
        Map<Long, String> moved = new HashMap<>();
        Map<Long, String> placed = new HashMap<>();

        for (List<SourceRecordStore.Facts> component : components) {
            TreeSet<String> candidates = new TreeSet<>(Comparator
                    .comparing((String id) -> existing.get(id).createdAt()).thenComparing(id -> id));
            for (var f : component) {
                f.goldenId().map(id -> current(id, existing)).filter(existing::containsKey).ifPresent(candidates::add);
            }
            Optional<String> keep = candidates.stream().filter(id -> !claimed.contains(id)).findFirst();
            String golden;
            if (keep.isPresent()) {
                golden = keep.get();
            } else {
                golden = newId.get();
                created.add(golden);
                candidates.stream().findFirst().ifPresent(from -> changes.add(new GoldenProfileStore.Change(
                        "SPLIT", from, Optional.of(golden), probabilistic.isPresent()
                                ? "records no longer share an e-mail with the rest of the profile, nor a phone or a probabilistic link the household guard lets through"
                                : "records no longer share an e-mail or phone with the rest of the profile")));
            }
            claimed.add(golden);
            for (String other : candidates) {
                if (!other.equals(golden) && !claimed.contains(other) && !merged.containsKey(other)) {
                    merged.put(other, golden);
                    changes.add(new GoldenProfileStore.Change("MERGE", golden, Optional.of(other), evidence(component, indexes, links, linkWeights)));
                }
            }
            boolean touched = false;
            for (var f : component) {
                if (!f.goldenId().equals(Optional.of(golden))) {
                    (f.goldenId().isPresent() ? moved : placed).put(f.id(), golden);
                    touched = true;
                }
                touched |= storedBy.contains(f.runId());
            }
            if (touched && !created.contains(golden)) {
                updated.add(golden);
            }
        }
        // an id claimed later by another component is not an alias after all
        merged.keySet().removeAll(claimed);
        changes.removeIf(c -> c.kind().equals("MERGE") && c.otherId().map(claimed::contains).orElse(false));

        if (scoped) {
            Set<String> scope = new HashSet<>(existing.keySet());
            scope.addAll(claimed);
            run.profilesInScope(scope);
        }
        profiles.create(created, run.id(), now);
        profiles.touch(updated, run.id(), now);
        profiles.alias(merged, run.id(), now);
        profiles.recordChanges(changes, run.id(), now);
        records.assignGolden(moved, placed);

        long splits = changes.stream().filter(c -> c.kind().equals("SPLIT")).count();
        run.report().profiles().set(created.size(), updated.size(), merged.size(), splits, profiles.active());
        run.report().stageTook("resolve", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }

    private static String current(String id, Map<String, GoldenProfileStore.Profile> existing) {
        var profile = existing.get(id);
        return profile == null ? id : profile.mergedInto().orElse(id);
    }

    private static String evidence(List<SourceRecordStore.Facts> component, Map<Long, List<SourceRecordStore.IndexEntry>> indexes,
                                   List<long[]> links, Map<String, Double> weights) {
        Map<String, Integer> seen = new HashMap<>();
        Set<String> shared = new TreeSet<>();
        for (var f : component) {
            for (var i : indexes.getOrDefault(f.id(), List.of())) {
                if (seen.merge(i.kind() + ":" + i.value(), 1, Integer::sum) == 2) {
                    shared.add(i.kind());
                }
            }
        }
        Set<Long> ids = new HashSet<>();
        component.forEach(f -> ids.add(f.id()));
        List<long[]> inside = links.stream().filter(l -> ids.contains(l[0]) && ids.contains(l[1])).toList();
        long fuzzy = inside.size();
        StringBuilder pairs = new StringBuilder();
        for (long[] l : inside.subList(0, Math.min(inside.size(), 8))) {
            Double w = weights.get(l[0] + "-" + l[1]);
            pairs.append(pairs.isEmpty() ? "" : ", ").append("records ").append(l[0]).append('-').append(l[1])
                    .append(w == null || w.isInfinite() ? " (shared phone)" : String.format(java.util.Locale.ROOT, " weight %.1f", w));
        }
        String probabilistic = fuzzy == 0 ? "" : "probabilistic: " + fuzzy + " links (Fellegi-Sunter on names, birth date and address, "
                + "or a shared phone, under the household guard): " + pairs + (fuzzy > 8 ? ", ..." : "") + "; per-comparison evidence in the explain API";
        return shared.isEmpty() ? probabilistic
                : "deterministic: records share a blind-indexed " + String.join(" and ", shared) + (fuzzy == 0 ? "" : "; " + probabilistic);
    }

    public static List<List<SourceRecordStore.Facts>> components(List<SourceRecordStore.Facts> facts,
                                                          Map<Long, List<SourceRecordStore.IndexEntry>> indexes) {
        return components(facts, indexes, List.of());
    }

    /**
     * Connected components of records linked by equal blind indexes or by a probabilistic link
     * (pairs of source-record ids), by union-find with path halving.
     */
    public static List<List<SourceRecordStore.Facts>> components(List<SourceRecordStore.Facts> facts,
                                                          Map<Long, List<SourceRecordStore.IndexEntry>> indexes,
                                                          List<long[]> links) {
        int n = facts.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        Map<String, Integer> firstByValue = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (var index : indexes.getOrDefault(facts.get(i).id(), List.of())) {
                Integer first = firstByValue.putIfAbsent(index.kind() + ":" + index.value(), i);
                if (first != null) {
                    int a = find(parent, first);
                    int b = find(parent, i);
                    if (a != b) {
                        parent[Math.max(a, b)] = Math.min(a, b);
                    }
                }
            }
        }
        Map<Long, Integer> position = new HashMap<>();
        for (int i = 0; i < n; i++) {
            position.put(facts.get(i).id(), i);
        }
        for (long[] link : links) {
            Integer a = position.get(link[0]);
            Integer b = position.get(link[1]);
            if (a != null && b != null) {
                int ra = find(parent, a);
                int rb = find(parent, b);
                if (ra != rb) {
                    parent[Math.max(ra, rb)] = Math.min(ra, rb);
                }
            }
        }
        Map<Integer, List<SourceRecordStore.Facts>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byRoot.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(facts.get(i));
        }
        return new ArrayList<>(byRoot.values());
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
