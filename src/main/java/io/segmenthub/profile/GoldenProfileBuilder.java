package io.segmenthub.profile;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds each golden profile's lineage: for every attribute, which source record supplies the
 * value (by the configured survivorship). The golden profile stores no values of its own; its
 * personal data is read, when needed, from the winning record's sealed data, so shredding a
 * record's key also clears it from every golden view.
 */
@Component
public class GoldenProfileBuilder {

    private final SourceRecordStore records;
    private final GoldenProfileStore profiles;
    private final Survivorship survivorship;
    private final GoldenValues values;

    public GoldenProfileBuilder(SourceRecordStore records, GoldenProfileStore profiles, HubConfig config, GoldenValues values) {
        this.records = records;
        this.profiles = profiles;
        this.survivorship = new Survivorship(config.hub().survivorship().sourcePriority(), config.hub().survivorship().rules());
        this.values = values;
    }

    @Transactional
    public SyncRun build(SyncRun run) {
        long started = System.nanoTime();
        // after a resolution around the change, only the profiles it could have changed
        Optional<Set<String>> scope = run.profilesInScope();
        Map<String, List<SourceRecordStore.Facts>> byGolden = new LinkedHashMap<>();
        for (var f : scope.map(s -> records.identified(List.of(), s)).orElseGet(records::identified)) {
            f.goldenId().ifPresent(g -> byGolden.computeIfAbsent(g, k -> new ArrayList<>()).add(f));
        }
        // rules that compare values see them opened in memory, only for records sharing a profile
        Map<Long, Map<String, String>> opened = new HashMap<>();
        if (survivorship.comparesValues()) {
            Set<Long> shared = new HashSet<>();
            byGolden.values().stream().filter(m -> m.size() > 1).forEach(m -> m.forEach(f -> shared.add(f.id())));
            opened = values.openRecords(shared);
        }
        Map<Long, Map<String, String>> open = opened;
        // each profile's winners on both cores (370,000 profiles at a million source rows), in the profiles' order
        List<GoldenProfileStore.Lineage> lineage = byGolden.entrySet().parallelStream()
                .flatMap(e -> Arrays.stream(Attribute.values()).flatMap(attribute -> survivorship.winner(attribute, e.getValue(),
                                f -> Optional.ofNullable(open.getOrDefault(f.id(), Map.of()).get(attribute.key())))
                        .map(w -> new GoldenProfileStore.Lineage(e.getKey(), attribute, w.id(), survivorship.ruleFor(attribute)))
                        .stream()))
                .toList();
        profiles.replaceLineage(lineage, scope);
        run.report().stageTook("golden", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }
}
