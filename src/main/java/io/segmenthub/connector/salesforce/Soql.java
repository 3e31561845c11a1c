package io.segmenthub.connector.salesforce;

import io.segmenthub.connector.RecordMapping;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The SOQL a salesforce connector runs: its object, the fields its mapping reads, and the
 * incremental condition on {@code SystemModstamp} (the audit field Salesforce moves on every
 * change, system ones included, and the one its replication guidance recommends).
 */
final class Soql {

    static final String CURSOR_FIELD = "SystemModstamp";
    private static final DateTimeFormatter LITERAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Salesforce's own date-time shape, {@code 2024-05-01T10:00:00.000+0000}: ISO 8601 without the colon in the offset. */
    private static final Pattern SALESFORCE_DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?[+-]\\d{4}");

    private Soql() {
    }

    /** Id, SystemModstamp, the configured fields and every field the mapping reads, in that order, once each. */
    static Set<String> fields(SalesforceSettings settings, RecordMapping m) {
        Set<String> fields = new LinkedHashSet<>();
        fields.add("Id");
        fields.add(CURSOR_FIELD);
        fields.addAll(settings.fields());
        Set<String> mapped = new TreeSet<>(); // sorted: the same config always sends the same query
        Stream.of(m.id(), m.updatedAt(), m.tcfString()).filter(f -> f != null && !f.isBlank()).forEach(mapped::add);
        mapped.addAll(m.identity().values());
        mapped.addAll(m.consent().values());
        mapped.addAll(m.metrics().values());
        if (m.transaction() != null) {
            Stream.of(m.transaction().id(), m.transaction().date(), m.transaction().amount(), m.transaction().currency())
                    .filter(f -> f != null).forEach(mapped::add);
        }
        if (m.event() != null) {
            Stream.of(m.event().id(), m.event().type(), m.event().at()).forEach(mapped::add);
        }
        fields.addAll(mapped);
        return fields;
    }

    /** The WHERE clause (without the keyword), or empty for an unconditional first load. */
    static Optional<String> condition(Optional<String> watermark, String where) {
        String incremental = watermark.map(w -> CURSOR_FIELD + " >= " + w).orElse(null);
        String extra = where == null || where.isBlank() ? null : "(" + where.strip() + ")";
        if (incremental == null && extra == null) {
            return Optional.empty();
        }
        return Optional.of(incremental == null ? extra : extra == null ? incremental : incremental + " AND " + extra);
    }

    static String select(Set<String> fields, String object, Optional<String> condition, boolean ordered) {
        return "SELECT " + String.join(", ", fields) + " FROM " + object + condition.map(c -> " WHERE " + c).orElse("")
                + (ordered ? " ORDER BY " + CURSOR_FIELD + " ASC, Id ASC" : "");
    }

    static String count(String object, Optional<String> condition) {
        return "SELECT COUNT() FROM " + object + condition.map(c -> " WHERE " + c).orElse("");
    }

    /** A SOQL date-time literal (UTC, milliseconds) for a value read from a record; empty when it is no date-time. */
    static Optional<String> literal(Object value) {
        return instant(value).map(LITERAL::format);
    }

    static Optional<Instant> instant(Object value) {
        if (value == null || value.toString().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(isoDateTime(value.toString().strip())).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Puts the colon into Salesforce's {@code +0000} offsets so ISO 8601 parsers (and the record mapper) read them. */
    static String isoDateTime(String value) {
        if (SALESFORCE_DATE_TIME.matcher(value).matches()) {
            int at = value.length() - 2;
            return value.substring(0, at) + ":" + value.substring(at);
        }
        return value;
    }

    static boolean isSalesforceDateTime(String value) {
        return SALESFORCE_DATE_TIME.matcher(value).matches();
    }
}
