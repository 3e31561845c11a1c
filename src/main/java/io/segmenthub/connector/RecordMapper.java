package io.segmenthub.connector;

import io.segmenthub.consent.ConsentStatus;
import io.segmenthub.consent.TcfConsent;
import io.segmenthub.pipeline.ConsentRow;
import io.segmenthub.pipeline.ConsentSignal;
import io.segmenthub.pipeline.EngagementEvent;
import io.segmenthub.pipeline.Quarantined;
import io.segmenthub.pipeline.SourceRecord;
import io.segmenthub.pipeline.Transaction;
import io.segmenthub.profile.Attribute;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps source rows onto canonical records as a connector's {@link RecordMapping} says. A row that
 * cannot be mapped becomes a {@link Quarantined} entry with the reason; its values never appear in
 * the reason.
 */
public final class RecordMapper {

    // what the store's columns hold (V1__hub_store.sql): a longer value would fail its whole batch there
    static final int ID_MAX = 200;
    static final int EVENT_TYPE_MAX = 64;
    static final int CONSENT_SOURCE_MAX = 64;
    static final int EVIDENCE_MAX = 500;
    static final int METRIC_DIGITS_MAX = 40;
    /** purchase.amount is DECIMAL(14, 2). */
    private static final BigDecimal AMOUNT_LIMIT = BigDecimal.TEN.pow(12);

    sealed interface Mapped permits Person, Consent, Rejected { }

    record Person(SourceRecord record) implements Mapped { }

    record Consent(ConsentRow row) implements Mapped { }

    record Rejected(Quarantined quarantined) implements Mapped { }

    private final ConnectorConfig connector;
    private final Set<String> purposes;
    private final Instant fallbackTime;
    private final TcfConsent tcf;

    RecordMapper(ConnectorConfig connector, Set<String> purposes, Instant fallbackTime) {
        this(connector, purposes, fallbackTime, TcfConsent.none());
    }

    public RecordMapper(ConnectorConfig connector, Set<String> purposes, Instant fallbackTime, TcfConsent tcf) {
        this.tcf = tcf;
        this.connector = connector;
        this.purposes = purposes;
        this.fallbackTime = fallbackTime;
    }

    Mapped map(SourceRow row) {
        if (row.unreadable().isPresent()) {
            return new Rejected(new Quarantined(row.ref(), row.unreadable().get(), row.raw()));
        }
        try {
            return connector.kindOrDefault() == ConnectorKind.CONSENT ? mapConsent(row) : mapPerson(row);
        } catch (Unmappable e) {
            return new Rejected(new Quarantined(row.ref(), e.getMessage(), row.raw()));
        }
    }

    private Mapped mapPerson(SourceRow row) {
        RecordMapping m = connector.mapping();
        String id = text(row, m.id()).orElseThrow(() -> new Unmappable("missing record id (field '" + m.id() + "')"));
        if (!m.pseudonymiseId()) { // a pseudonymised id is stored as its fixed-length keyed hash
            atMost(id, ID_MAX, "record id", m.id());
        }
        Instant updatedAt = m.updatedAt() == null ? fallbackTime
                : instant(row, m.updatedAt()).orElse(fallbackTime);

        Map<Attribute, String> identity = new EnumMap<>(Attribute.class);
        m.identity().forEach((key, field) -> text(row, field)
                .ifPresent(value -> identity.put(Attribute.fromKey(key).orElseThrow(), value)));

        Map<String, String> metrics = new LinkedHashMap<>();
        m.metrics().forEach((name, field) -> text(row, field).ifPresent(value -> {
            BigDecimal number;
            try {
                number = new BigDecimal(value).stripTrailingZeros();
            } catch (NumberFormatException e) {
                throw new Unmappable("metric '" + name + "' is not a number (field '" + field + "')");
            }
            // checked before toPlainString, which would write out 1E+999999999 digit by digit
            if (Math.max(number.precision(), number.precision() - number.scale()) > METRIC_DIGITS_MAX
                    || number.scale() > METRIC_DIGITS_MAX) {
                throw new Unmappable("metric '" + name + "' has more than " + METRIC_DIGITS_MAX + " digits (field '" + field + "')");
            }
            metrics.put(name, number.toPlainString());
        }));

        List<ConsentSignal> consents = new ArrayList<>();
        if (m.tcfString() != null) {
            text(row, m.tcfString()).ifPresent(tcString -> consents.addAll(tcf.signals(tcString, updatedAt)));
        }
        // text(), not value(): an empty CSV cell means no opt-in was captured, the same as an absent JSON field
        m.consent().forEach((purpose, field) -> text(row, field).ifPresent(flag -> {
            ConsentStatus status = ConsentStatus.parse(flag)
                    .orElseThrow(() -> new Unmappable("consent flag for '" + purpose + "' is neither true nor false (field '" + field + "')"));
            consents.add(new ConsentSignal(purpose, status, updatedAt, "field " + field + " on " + connector.systemName()
                    + (connector.mapping().pseudonymiseId() ? "" : "/" + id)));
        }));

        List<Transaction> transactions = new ArrayList<>();
        if (m.transaction() != null) {
            var t = m.transaction();
            String txId = text(row, t.id()).orElseThrow(() -> new Unmappable("missing transaction id (field '" + t.id() + "')"));
            atMost(txId, ID_MAX, "transaction id", t.id());
            LocalDate date = date(row, t.date()).orElseThrow(() -> new Unmappable("missing transaction date (field '" + t.date() + "')"));
            BigDecimal amount = text(row, t.amount()).map(v -> {
                try {
                    return new BigDecimal(v);
                } catch (NumberFormatException e) {
                    throw new Unmappable("transaction amount is not a number (field '" + t.amount() + "')");
                }
            }).orElseThrow(() -> new Unmappable("missing transaction amount (field '" + t.amount() + "')"));
            if (amount.abs().compareTo(AMOUNT_LIMIT) >= 0) {
                throw new Unmappable("transaction amount is not below 10^12 (field '" + t.amount() + "')");
            }
            String currency = (t.currency() == null ? Optional.<String>empty() : text(row, t.currency()))
                    .or(() -> Optional.ofNullable(t.defaultCurrency()))
                    .map(c -> c.trim().toUpperCase(Locale.ROOT))
                    .orElseThrow(() -> new Unmappable("missing currency (field '" + t.currency() + "')"));
            if (!currency.matches("[A-Z]{3}")) {
                throw new Unmappable("currency is not an ISO 4217 code (field '" + t.currency() + "')");
            }
            transactions.add(new Transaction(txId, date, amount, currency));
        }

        List<EngagementEvent> events = new ArrayList<>();
        if (m.event() != null) {
            var e = m.event();
            String eventId = text(row, e.id()).orElseThrow(() -> new Unmappable("missing event id (field '" + e.id() + "')"));
            atMost(eventId, ID_MAX, "event id", e.id());
            String type = text(row, e.type()).orElse("unknown");
            atMost(type, EVENT_TYPE_MAX, "event type", e.type());
            Instant at = instant(row, e.at()).orElseThrow(() -> new Unmappable("missing event time (field '" + e.at() + "')"));
            events.add(new EngagementEvent(eventId, type, at));
        }
        return new Person(new SourceRecord(connector.systemName(), id, updatedAt, identity, metrics, consents, transactions, events));
    }

    private Mapped mapConsent(SourceRow row) {
        var m = connector.mapping().consentEvent();
        Optional<String> email = m.email() == null ? Optional.empty() : text(row, m.email());
        Optional<String> phone = m.phone() == null ? Optional.empty() : text(row, m.phone());
        if (email.isEmpty() && phone.isEmpty()) {
            throw new Unmappable("consent row names no subject (neither e-mail nor phone)");
        }
        String purpose = text(row, m.purpose()).orElseThrow(() -> new Unmappable("missing purpose (field '" + m.purpose() + "')"));
        if (!purposes.contains(purpose)) {
            // the value is not echoed: a shifted column can put an e-mail here, and reasons are stored and reported in clear
            throw new Unmappable("unknown purpose: not one of the purposes in purposes.yml (field '" + m.purpose() + "')");
        }
        ConsentStatus status = text(row, m.status()).flatMap(ConsentStatus::parse)
                .orElseThrow(() -> new Unmappable("status is not granted, denied or withdrawn (field '" + m.status() + "')"));
        Instant occurredAt = instant(row, m.occurredAt())
                .orElseThrow(() -> new Unmappable("missing time of the consent decision (field '" + m.occurredAt() + "')"));
        String evidence = m.evidence() == null ? "" : text(row, m.evidence()).orElse("");
        atMost(evidence, EVIDENCE_MAX, "evidence", m.evidence());
        String source = m.source() == null ? connector.systemName() : text(row, m.source()).orElse(connector.systemName());
        atMost(source, CONSENT_SOURCE_MAX, "source", m.source());
        return new Consent(new ConsentRow(row.ref(), email, phone, source, new ConsentSignal(purpose, status, occurredAt, evidence)));
    }

    /** The reason gives the length, never the value: an over-long id can be a pasted e-mail or a whole row. */
    private static void atMost(String value, int max, String what, String field) {
        if (value.length() > max) {
            throw new Unmappable(what + " is longer than " + max + " characters (field '" + field + "')");
        }
    }

    /** A value by field name, where a dotted name walks into nested objects. */
    static Optional<Object> value(SourceRow row, String field) {
        Object current = row.fields().get(field);
        if (current == null && field.contains(".")) {
            current = row.fields();
            for (String part : field.split("\\.")) {
                if (!(current instanceof Map<?, ?> map)) {
                    return Optional.empty();
                }
                current = map.get(part);
            }
        }
        return Optional.ofNullable(current);
    }

    static Optional<String> text(SourceRow row, String field) {
        return value(row, field).map(v -> v instanceof BigDecimal d ? d.toPlainString() : v.toString().trim())
                .filter(s -> !s.isEmpty());
    }

    private static Optional<Instant> instant(SourceRow row, String field) {
        Optional<Object> raw = value(row, field);
        if (raw.isEmpty() || raw.get() instanceof String text && text.isBlank()) {
            return Optional.empty();
        }
        Object v = raw.get();
        if (v instanceof Timestamp ts) {
            return Optional.of(ts.toLocalDateTime().toInstant(ZoneOffset.UTC));
        }
        if (v instanceof LocalDateTime ldt) {
            return Optional.of(ldt.toInstant(ZoneOffset.UTC));
        }
        if (v instanceof OffsetDateTime odt) {
            return Optional.of(odt.toInstant());
        }
        if (v instanceof java.sql.Date d) {
            return Optional.of(d.toLocalDate().atStartOfDay().toInstant(ZoneOffset.UTC));
        }
        if (v instanceof Number n) {
            return Optional.of(Instant.ofEpochMilli(n.longValue()));
        }
        String s = v.toString().trim();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> utc = utcSeconds(s);
        if (utc.isPresent()) {
            return utc;
        }
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException ignored) {
            // not an offset date-time; try the other common shapes below
        }
        try {
            return Optional.of(ZonedDateTime.parse(s).toInstant());
        } catch (DateTimeParseException ignored) {
            // next shape
        }
        try {
            return Optional.of(LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            // next shape
        }
        try {
            return Optional.of(LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw new Unmappable("unreadable date-time (field '" + field + "')");
        }
    }

    /**
     * The commonest shape in exports, {@code 2026-10-10T03:40:10Z}, read digit by digit: every
     * pulled row has a time or two, and java.time's formatters took a fifth of mapping a row. Any
     * other shape, or a date that does not exist, is left to the parsers in {@link #instant}.
     */
    static Optional<Instant> utcSeconds(String s) {
        if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
            return Optional.empty();
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException notADate) {
            return Optional.empty();
        }
    }

    /** The number the ASCII digits from {@code from} to {@code to} write, or -1 if one is not a digit. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static Optional<LocalDate> date(SourceRow row, String field) {
        Optional<Object> raw = value(row, field);
        if (raw.isPresent() && raw.get() instanceof java.sql.Date d) {
            return Optional.of(d.toLocalDate());
        }
        if (raw.isPresent() && raw.get() instanceof LocalDate d) {
            return Optional.of(d);
        }
        String s = raw.map(Object::toString).map(String::trim).orElse("");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(s.length() > 10 ? s.substring(0, 10) : s));
        } catch (DateTimeParseException e) {
            return instant(row, field).map(i -> i.atOffset(ZoneOffset.UTC).toLocalDate());
        }
    }

    /** Why a row cannot be mapped; the message names fields, never values. */
    static final class Unmappable extends RuntimeException {
        Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }
}
