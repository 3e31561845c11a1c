package io.segmenthub.connector;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.List;

/**
 * A system segment lists are pushed to. Only members whose consent covers {@code purpose} (and
 * the segment's own purpose) are pushed. {@code segments} empty means every segment; {@code tags}
 * are pushed like segments, but only the ones listed. {@code system}, when set, names the source system whose
 * record ids are sent as {@code external_id}, so the destination can find its own records.
 * {@code fields} are the columns sent: {@code golden_id}, {@code external_id}, and personal
 * attributes such as {@code email} (each push of personal data is audited).
 */
public record DestinationConfig(
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be lower-case letters, digits, - or _") String id,
        @NotNull DestinationType type,
        @NotBlank String purpose,
        List<String> segments,
        List<String> tags,
        String system,
        List<String> fields,
        @Valid FileTarget file,
        @Valid JdbcTarget jdbc,
        @Valid io.segmenthub.connector.salesforce.SalesforceTarget salesforce,
        @Valid io.segmenthub.connector.http.HttpTarget http) {

    public DestinationConfig {
        segments = segments == null ? List.of() : List.copyOf(segments);
        tags = tags == null ? List.of() : List.copyOf(tags);
        fields = fields == null || fields.isEmpty() ? List.of("golden_id", "external_id") : List.copyOf(fields);
    }

    public DestinationConfig(String id, DestinationType type, String purpose, List<String> segments, String system, List<String> fields,
                             FileTarget file, JdbcTarget jdbc) {
        this(id, type, purpose, segments, List.of(), system, fields, file, jdbc);
    }

    public DestinationConfig(String id, DestinationType type, String purpose, List<String> segments, List<String> tags, String system,
                             List<String> fields, FileTarget file, JdbcTarget jdbc) {
        this(id, type, purpose, segments, tags, system, fields, file, jdbc, null, null);
    }

    public enum DestinationType {
        FILE, JDBC, SALESFORCE, HTTP;

        public String templateId() {
            return "destination-" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Writes {@code <dir>/<segment>.csv} (the current list) and {@code <dir>/<segment>/<run>-changes.csv}. */
    public record FileTarget(@NotBlank String dir) {
    }

    /** Upserts {@code (segment_id, golden_id, external_id, updated_at)} rows into {@code table}; removes delete. */
    public record JdbcTarget(@NotBlank String url, String username, String password,
                             @NotBlank @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,62}", message = "must be a plain SQL identifier") String table,
                             Boolean createTable) {
        public boolean createTableOrDefault() {
            return createTable != null && createTable;
        }
    }
}
