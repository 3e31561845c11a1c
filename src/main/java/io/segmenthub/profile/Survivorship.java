package io.segmenthub.profile;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks, per attribute, the source record whose value the golden profile shows. Valid values beat
 * invalid ones; then, when a source priority is configured, the higher-priority system wins; then
 * the most recently updated record; then the newest record, so the choice is deterministic.
 */
public final class Survivorship {

    public static final String SOURCE_PRIORITY = "source-priority";
    public static final String MOST_RECENT = "most-recent";

    private final List<String> sourcePriority;

    public Survivorship(List<String> sourcePriority) {
        this.sourcePriority = List.copyOf(sourcePriority);
    }

    public String ruleName() {
        return sourcePriority.isEmpty() ? MOST_RECENT : SOURCE_PRIORITY;
    }

    public Optional<SourceRecordStore.Facts> winner(Attribute attribute, List<SourceRecordStore.Facts> records) {
        String key = attribute.key();
        return records.stream()
                .filter(r -> r.present().contains(key))
                .min(Comparator.<SourceRecordStore.Facts>comparingInt(r -> r.invalid().contains(key) ? 1 : 0)
                        .thenComparingInt(r -> rank(r.system()))
                        .thenComparing(SourceRecordStore.Facts::sourceUpdatedAt, Comparator.reverseOrder())
                        .thenComparing(SourceRecordStore.Facts::id, Comparator.reverseOrder()));
    }

    private int rank(String system) {
        int i = sourcePriority.indexOf(system);
        return i < 0 ? sourcePriority.size() : i;
    }
}
