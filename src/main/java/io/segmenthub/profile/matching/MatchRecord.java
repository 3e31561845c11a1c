package io.segmenthub.profile.matching;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One record as the matcher sees it: an id and already-normalised field values (lower-case names,
 * ISO dates, E.164 phones...). Field names are whatever the configured blocking rules and
 * comparisons refer to. A blank value counts as missing.
 */
public record MatchRecord(String id, Map<String, String> fields) {

    public MatchRecord {
        Objects.requireNonNull(id, "id");
        fields = Map.copyOf(Objects.requireNonNull(fields, "fields").entrySet().stream()
                .filter(e -> e.getKey() != null && e.getValue() != null && !e.getValue().isBlank())
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    public Optional<String> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** The value or {@code null}; for the hot comparison loops, never across the package boundary. */
    String value(String name) {
        return fields.get(name);
    }
}
