package io.segmenthub.profile;

import io.segmenthub.pipeline.SyncRun;
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

    @org.springframework.beans.factory.annotation.Autowired
    public IdentityResolver(SourceRecordStore records, GoldenProfileStore profiles, Clock clock) {
        this(records, profiles, clock, () -> UUID.randomUUID().toString());
    }

    IdentityResolver(SourceRecordStore records, GoldenProfileStore profiles, Clock clock, Supplier<String> newId) {
        this.records = records;
        this.profiles = profiles;
        this.clock = clock;
        this.newId = newId;
    }

    @Transactional
    public SyncRun resolve(SyncRun run) {
        long started = System.nanoTime();
        Instant now = clock.instant();
        List<SourceRecordStore.Facts> facts = records.identified();
        Map<Long, List<SourceRecordStore.IndexEntry>> indexes = records.indexes();
        Map<String, GoldenProfileStore.Profile> existing = profiles.all();

        List<List<SourceRecordStore.Facts>> components = components(facts, indexes);
        components.sort(Comparator.<List<SourceRecordStore.Facts>>comparingInt(List::size).reversed()
                .thenComparingLong(c -> c.get(0).id()));

        Set<String> claimed = new HashSet<>();
        Set<String> created = new TreeSet<>();
        Set<String> updated = new TreeSet<>();
        Map<String, String> merged = new LinkedHashMap<>();
        List<GoldenProfileStore.Change> changes = new ArrayList<>();
        Map<Long, String> assignments = new HashMap<>();

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
                        "SPLIT", from, Optional.of(golden), "records no longer share an e-mail or phone with the rest of the profile")));
            }
            claimed.add(golden);
            for (String other : candidates) {
                if (!other.equals(golden) && !claimed.contains(other) && !merged.containsKey(other)) {
                    merged.put(other, golden);
                    changes.add(new GoldenProfileStore.Change("MERGE", golden, Optional.of(other), evidence(component, indexes)));
                }
            }
            boolean touched = false;
            for (var f : component) {
                if (!f.goldenId().equals(Optional.of(golden))) {
                    assignments.put(f.id(), golden);
                    touched = true;
                }
                touched |= run.id().equals(f.runId());
            }
            if (touched && !created.contains(golden)) {
                updated.add(golden);
            }
        }
        // an id claimed later by another component is not an alias after all
        merged.keySet().removeAll(claimed);
        changes.removeIf(c -> c.kind().equals("MERGE") && c.otherId().map(claimed::contains).orElse(false));

        profiles.create(created, run.id(), now);
        profiles.touch(updated, run.id(), now);
        profiles.alias(merged, run.id(), now);
        profiles.recordChanges(changes, run.id(), now);
        records.assignGolden(assignments);

        long splits = changes.stream().filter(c -> c.kind().equals("SPLIT")).count();
        run.report().profiles().set(created.size(), updated.size(), merged.size(), splits, profiles.active());
        run.report().stageTook("resolve", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }

    private static String current(String id, Map<String, GoldenProfileStore.Profile> existing) {
        var profile = existing.get(id);
        return profile == null ? id : profile.mergedInto().orElse(id);
    }

    private static String evidence(List<SourceRecordStore.Facts> component, Map<Long, List<SourceRecordStore.IndexEntry>> indexes) {
        Map<String, Integer> seen = new HashMap<>();
        Set<String> shared = new TreeSet<>();
        for (var f : component) {
            for (var i : indexes.getOrDefault(f.id(), List.of())) {
                if (seen.merge(i.kind() + ":" + i.value(), 1, Integer::sum) == 2) {
                    shared.add(i.kind());
                }
            }
        }
        return "deterministic: records share a blind-indexed " + String.join(" and ", shared);
    }

    /** Connected components of records linked by equal blind indexes (union-find with path halving). */
    static List<List<SourceRecordStore.Facts>> components(List<SourceRecordStore.Facts> facts,
                                                          Map<Long, List<SourceRecordStore.IndexEntry>> indexes) {
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
