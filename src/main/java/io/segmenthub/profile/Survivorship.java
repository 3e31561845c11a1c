package io.segmenthub.profile;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Picks, per attribute, the source record whose value the golden profile shows. Valid values beat
 * invalid ones; then the attribute's rule decides, and what it leaves tied goes by source priority
 * (when configured), then the most recently updated record, then the newest record, so the choice
 * is always deterministic. The rules (after Apache Unomi's property merge strategies):
 * <ul>
 *   <li>{@code source-priority}: the system listed first in {@code source-priority} wins;</li>
 *   <li>{@code most-recent}: the most recently updated record wins;</li>
 *   <li>{@code most-frequent}: the value most records agree on wins;</li>
 *   <li>{@code most-complete}: the record with the most valid attributes wins;</li>
 *   <li>{@code longest}: the longest value wins (a full street over an abbreviated one).</li>
 * </ul>
 * Without a rule for an attribute, source priority applies when configured, else most recent.
 * {@code most-frequent} and {@code longest} compare values, opened in memory only for the build.
 */
public final class Survivorship {

    public static final String SOURCE_PRIORITY = "source-priority";
    public static final String MOST_RECENT = "most-recent";
    public static final String MOST_FREQUENT = "most-frequent";
    public static final String MOST_COMPLETE = "most-complete";
    public static final String LONGEST = "longest";
    public static final Set<String> RULES = Set.of(SOURCE_PRIORITY, MOST_RECENT, MOST_FREQUENT, MOST_COMPLETE, LONGEST);

    private final List<String> sourcePriority;
    private final Map<Attribute, String> rules = new HashMap<>();

    public Survivorship(List<String> sourcePriority) {
        this(sourcePriority, Map.of());
    }

    /** @param rules attribute key ({@code email}, {@code street}, ...) to one of {@link #RULES} */
    public Survivorship(List<String> sourcePriority, Map<String, String> rules) {
        this.sourcePriority = List.copyOf(sourcePriority);
        rules.forEach((key, rule) -> {
            Attribute attribute = Attribute.fromKey(key)
                    .orElseThrow(() -> new IllegalArgumentException("survivorship.rules: '" + key + "' is not an identity attribute"));
            if (!RULES.contains(rule)) {
                throw new IllegalArgumentException("survivorship.rules." + key + ": '" + rule + "' is not one of " + RULES);
            }
            this.rules.put(attribute, rule);
        });
    }

    /** The rule when none is configured for an attribute. */
    public String ruleName() {
        return sourcePriority.isEmpty() ? MOST_RECENT : SOURCE_PRIORITY;
    }

    public String ruleFor(Attribute attribute) {
        return rules.getOrDefault(attribute, ruleName());
    }

    /** Whether some rule compares values, so the builder must open them. */
    public boolean comparesValues() {
        return rules.values().stream().anyMatch(r -> r.equals(MOST_FREQUENT) || r.equals(LONGEST));
    }

    public Optional<SourceRecordStore.Facts> winner(Attribute attribute, List<SourceRecordStore.Facts> records) {
        return winner(attribute, records, f -> Optional.empty());
    }

    /** @param value the record's value of the attribute, for the rules that compare values */
    public Optional<SourceRecordStore.Facts> winner(Attribute attribute, List<SourceRecordStore.Facts> records,
                                                    Function<SourceRecordStore.Facts, Optional<String>> value) {
        String key = attribute.key();
        List<SourceRecordStore.Facts> holding = records.stream().filter(r -> r.present().contains(key)).toList();
        Comparator<SourceRecordStore.Facts> order = Comparator.comparingInt(r -> r.invalid().contains(key) ? 1 : 0);
        switch (ruleFor(attribute)) {
            case MOST_FREQUENT -> {
                Map<String, Integer> counts = new HashMap<>();
                holding.forEach(r -> value.apply(r).map(Survivorship::normalised).ifPresent(v -> counts.merge(v, 1, Integer::sum)));
                order = order.thenComparing(r -> value.apply(r).map(v -> counts.getOrDefault(normalised(v), 0)).orElse(0),
                        Comparator.reverseOrder());
            }
            case MOST_COMPLETE -> order = order.thenComparing(r -> r.present().size() - r.invalid().size(), Comparator.reverseOrder());
            case LONGEST -> order = order.thenComparing(r -> value.apply(r).map(v -> v.strip().codePointCount(0, v.strip().length())).orElse(0),
                    Comparator.reverseOrder());
            case MOST_RECENT -> order = order.thenComparing(SourceRecordStore.Facts::sourceUpdatedAt, Comparator.reverseOrder());
            default -> { }
        }
        return holding.stream().min(order
                .thenComparingInt(r -> rank(r.system()))
                .thenComparing(SourceRecordStore.Facts::sourceUpdatedAt, Comparator.reverseOrder())
                .thenComparing(SourceRecordStore.Facts::id, Comparator.reverseOrder()));
    }

    private static String normalised(String v) {
        return v.strip().toLowerCase(java.util.Locale.ROOT);
    }

    private int rank(String system) {
        int i = sourcePriority.indexOf(system);
        return i < 0 ? sourcePriority.size() : i;
    }
}
