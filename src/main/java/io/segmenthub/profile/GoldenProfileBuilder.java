package io.segmenthub.profile;

import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    public GoldenProfileBuilder(SourceRecordStore records, GoldenProfileStore profiles, HubConfig config) {
        this.records = records;
        this.profiles = profiles;
        this.survivorship = new Survivorship(config.hub().survivorship().sourcePriority());
    }

    @Transactional
    public SyncRun build(SyncRun run) {
        long started = System.nanoTime();
        Map<String, List<SourceRecordStore.Facts>> byGolden = new LinkedHashMap<>();
        for (var f : records.identified()) {
            f.goldenId().ifPresent(g -> byGolden.computeIfAbsent(g, k -> new ArrayList<>()).add(f));
        }
        List<GoldenProfileStore.Lineage> lineage = new ArrayList<>();
        byGolden.forEach((golden, members) -> {
            for (Attribute attribute : Attribute.values()) {
                survivorship.winner(attribute, members).ifPresent(w ->
                        lineage.add(new GoldenProfileStore.Lineage(golden, attribute, w.id(), survivorship.ruleName())));
            }
        });
        profiles.replaceLineage(lineage);
        run.report().stageTook("golden", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return run;
    }
}
