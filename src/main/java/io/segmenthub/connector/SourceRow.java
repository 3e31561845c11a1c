package io.segmenthub.connector;

import java.util.Map;
import java.util.Optional;

/**
 * A row as read from a source, before mapping: {@code ref} locates it (file and line, or query
 * row number) without personal data, {@code raw} is its text for the quarantine. A row the reader
 * could not parse at all carries the reason instead of fields.
 */
public record SourceRow(String ref, Map<String, Object> fields, String raw, Optional<String> unreadable) {

    public SourceRow(String ref, Map<String, Object> fields, String raw) {
        this(ref, fields, raw, Optional.empty());
    }

    public static SourceRow unreadable(String ref, String reason, String raw) {
        return new SourceRow(ref, Map.of(), raw, Optional.of(reason));
    }
}
