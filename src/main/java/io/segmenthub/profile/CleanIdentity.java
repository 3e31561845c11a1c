package io.segmenthub.profile;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Identity attributes after cleaning. {@code values} holds the normalised value of every
 * attribute that was present (an invalid value is kept as given, trimmed, and named in
 * {@code invalid}: flagged, never guessed).
 */
public record CleanIdentity(Map<Attribute, String> values, Set<Attribute> invalid) {

    public CleanIdentity {
        values = values.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(values));
        invalid = invalid.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(invalid));
    }

    public Optional<String> get(Attribute attribute) {
        return Optional.ofNullable(values.get(attribute));
    }

    /** A value that is present and passed validation: only these are indexed and matched on. */
    public Optional<String> valid(Attribute attribute) {
        return invalid.contains(attribute) ? Optional.empty() : get(attribute);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }
}
