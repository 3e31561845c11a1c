package io.segmenthub.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.segmenthub.connector.RecordMapping.ConsentEventMapping;
import io.segmenthub.connector.RecordMapping.EventMapping;
import io.segmenthub.connector.RecordMapping.TransactionMapping;
import io.segmenthub.consent.ConsentStatus;
import io.segmenthub.pipeline.ConsentRow;
import io.segmenthub.pipeline.ConsentSignal;
import io.segmenthub.pipeline.EngagementEvent;
import io.segmenthub.pipeline.Quarantined;
import io.segmenthub.pipeline.SourceRecord;
import io.segmenthub.pipeline.Transaction;
import io.segmenthub.profile.Attribute;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecordMapperTest {

    static final Instant RUN_STARTED = Instant.parse("2026-03-01T08:00:00Z");
    static final Set<String> PURPOSES = Set.of("analytics", "marketing_email", "customer_account");
    static final String EMAIL = "ann.weber@example.com";

    /** A web-analytics style connector: nested consent flags, a metric, an order and an event per row. */
    static ConnectorConfig webConnector(boolean idIsPersonal, String defaultCurrency, String currencyField) {
        return new ConnectorConfig("web-analytics", ConnectorType.FILE, "web", null, "analytics", null, null, null, null,
                new RecordMapping("user_id", idIsPersonal, "ts",
                        Map.of("email", "email", "given_name", "first_name", "country", "address.country"),
                        Map.of("analytics", "consent.analytics", "marketing_email", "consent.marketing_email",
                                "customer_account", "consent.account"),
                        Map.of("visits", "stats.visits"),
                        new TransactionMapping("order_no", "order_date", "amount", currencyField, defaultCurrency),
                        new EventMapping("event_id", "type", "ts"),
                        null));
    }

    static ConnectorConfig consentConnector() {
        return new ConnectorConfig("consent-platform", ConnectorType.FILE, "cmp", ConnectorKind.CONSENT, null, null, null, null, null,
                new RecordMapping(null, null, null, null, null, null, null, null,
                        new ConsentEventMapping("email", "phone", "purpose", "status", "occurred_at", "evidence", "source")));
    }

    static RecordMapper mapper(ConnectorConfig connector) {
        return new RecordMapper(connector, PURPOSES, RUN_STARTED);
    }

    /** A row as the JSON reader hands it over: nested objects are maps, JSON booleans and numbers keep their types. */
    static Map<String, Object> webRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("user_id", "U-0042");
        row.put("ts", "2026-02-14T09:30:00Z");
        row.put("email", "  " + EMAIL + " ");
        row.put("first_name", "Ann");
        row.put("address", Map.of("country", "DE"));
        Map<String, Object> consent = new HashMap<>();
        consent.put("analytics", true);
        consent.put("marketing_email", false);
        row.put("consent", consent); // consent.account absent: no signal
        row.put("stats", Map.of("visits", 12));
        row.put("order_no", "O-7001");
        row.put("order_date", "2026-02-13");
        row.put("amount", "49.90");
        row.put("event_id", "E-000001");
        row.put("type", "page_view");
        return row;
    }

    static Map<String, Object> consentRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("email", EMAIL);
        row.put("phone", "");
        row.put("purpose", "marketing_email");
        row.put("status", "withdrawn");
        row.put("occurred_at", "2026-01-05T10:15:00Z");
        row.put("evidence", "form:unsubscribe-2026");
        row.put("source", "web_form");
        return row;
    }

    static SourceRow row(Map<String, Object> fields) {
        return new SourceRow("events.jsonl line 7", fields, "raw text of line 7 with " + EMAIL);
    }

    static SourceRecord person(RecordMapper.Mapped mapped) {
        assertThat(mapped).isInstanceOf(RecordMapper.Person.class);
        return ((RecordMapper.Person) mapped).record();
    }

    static Quarantined rejected(RecordMapper.Mapped mapped) {
        assertThat(mapped).isInstanceOf(RecordMapper.Rejected.class);
        return ((RecordMapper.Rejected) mapped).quarantined();
    }

    @Nested
    class People {

        final Instant ts = Instant.parse("2026-02-14T09:30:00Z");

        @Test
        void mapsIdentityAttributesIncludingDottedNestedFieldsAndTrimsValues() {
            SourceRecord record = person(mapper(webConnector(false, "EUR", null)).map(row(webRow())));

            assertThat(record.system()).isEqualTo("web");
            assertThat(record.recordId()).isEqualTo("U-0042");
            assertThat(record.updatedAt()).isEqualTo(ts);
            assertThat(record.identity()).containsOnly(
                    Map.entry(Attribute.EMAIL, EMAIL),
                    Map.entry(Attribute.GIVEN_NAME, "Ann"),
                    Map.entry(Attribute.COUNTRY, "DE"));
        }

        @Test
        void consentFlagTrueGrantsFalseDeniesAndAbsentGivesNoSignal() {
            SourceRecord record = person(mapper(webConnector(false, "EUR", null)).map(row(webRow())));

            assertThat(record.consents()).containsExactlyInAnyOrder(
                    new ConsentSignal("analytics", ConsentStatus.GRANTED, ts, "field consent.analytics on web/U-0042"),
                    new ConsentSignal("marketing_email", ConsentStatus.DENIED, ts, "field consent.marketing_email on web/U-0042"));
        }

        @Test
        void consentFlagsAsCsvTextAreReadToo() {
            Map<String, Object> fields = webRow();
            fields.put("consent", Map.of("analytics", "TRUE", "marketing_email", " false "));

            SourceRecord record = person(mapper(webConnector(false, "EUR", null)).map(row(fields)));

            assertThat(record.consents()).extracting(ConsentSignal::purpose, ConsentSignal::status).containsExactlyInAnyOrder(
                    tuple("analytics", ConsentStatus.GRANTED),
                    tuple("marketing_email", ConsentStatus.DENIED));
        }

        @Test
        void blankConsentFlagAsInAnEmptyCsvCellGivesNoSignal() {
            Map<String, Object> fields = webRow();
            fields.put("consent", Map.of("analytics", "", "marketing_email", "false"));

            SourceRecord record = person(mapper(webConnector(false, "EUR", null)).map(row(fields)));

            assertThat(record.consents()).extracting(ConsentSignal::purpose).containsExactly("marketing_email");
        }

        @Test
        void evidenceLeavesOutAnIdThatNamesAPerson() {
            SourceRecord record = person(mapper(webConnector(true, "EUR", null)).map(row(webRow())));

            assertThat(record.consents()).extracting(ConsentSignal::evidence)
                    .containsExactlyInAnyOrder("field consent.analytics on web", "field consent.marketing_email on web");
        }

        @Test
        void mapsMetricsAsPlainNumbers() {
            Map<String, Object> fields = webRow();
            fields.put("stats", Map.of("visits", "12.50"));

            SourceRecord record = person(mapper(webConnector(false, "EUR", null)).map(row(fields)));

            assertThat(record.metrics()).containsOnly(Map.entry("visits", "12.5"));
        }

        @Test
        void transactionWithoutCurrencyFieldTakesTheDefaultCurrency() {
            SourceRecord record = person(mapper(webConnector(false, "eur", null)).map(row(webRow())));

            assertThat(record.transactions()).containsExactly(
                    new Transaction("O-7001", LocalDate.of(2026, 2, 13), new BigDecimal("49.90"), "EUR"));
        }

        @Test
        void currencyFieldWinsOverTheDefaultAndIsUpperCased() {
            Map<String, Object> fields = webRow();
            fields.put("currency", " gbp");

            SourceRecord record = person(mapper(webConnector(false, "EUR", "currency")).map(row(fields)));

            assertThat(record.transactions()).extracting(Transaction::currency).containsExactly("GBP");
        }

        @Test
        void mapsTheEventCarriedByTheRow() {
            SourceRecord record = person(mapper(webConnector(false, "EUR", null)).map(row(webRow())));

            assertThat(record.events()).containsExactly(new EngagementEvent("E-000001", "page_view", ts));
        }

        @Test
        void rowWithoutUpdatedAtIsDatedAtTheRunStart() {
            Map<String, Object> fields = webRow();
            fields.remove("ts");
            var connector = new ConnectorConfig("crm", ConnectorType.FILE, null, null, "customer_account", null, null, null, null,
                    new RecordMapping("user_id", null, "ts", Map.of("email", "email"), null, null, null, null, null));

            SourceRecord record = person(mapper(connector).map(row(fields)));

            assertThat(record.system()).isEqualTo("crm");
            assertThat(record.updatedAt()).isEqualTo(RUN_STARTED);
            assertThat(record.transactions()).isEmpty();
            assertThat(record.events()).isEmpty();
        }

        @Test
        void readsLocalDateTimesAsUtc() {
            Map<String, Object> fields = webRow();
            fields.put("ts", "2026-02-14 09:30:00");

            assertThat(person(mapper(webConnector(false, "EUR", null)).map(row(fields))).updatedAt()).isEqualTo(ts);
        }

        @Test
        void readsTheCommonUtcShapeAsJavaTimeDoesAndLeavesEveryOtherToIt() {
            for (String text : List.of("2026-02-14T09:30:00Z", "2024-02-29T23:59:59Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
                    "9999-12-31T23:59:59Z")) {
                assertThat(RecordMapper.utcSeconds(text)).contains(OffsetDateTime.parse(text).toInstant());
            }
            // another shape, a date that does not exist, a sign or a letter among the digits: java.time's parsers decide
            assertThat(List.of("2026-02-14T09:30:00.5Z", "2026-02-14T09:30:00+01:00", "2026-02-14 09:30:00Z", "2026-02-30T09:30:00Z",
                    "2026-13-01T09:30:00Z", "2026-02-14T24:00:00Z", "2026-02-14T09:30:60Z", "+026-02-14T09:30:00Z", "2026-02-1aT09:30:00Z",
                    "2026-02-14T09:30:00z")).allSatisfy(text -> assertThat(RecordMapper.utcSeconds(text)).isEmpty());

            Map<String, Object> fields = webRow();
            fields.put("ts", "2026-02-30T09:30:00Z");
            assertThat(rejected(mapper(webConnector(false, "EUR", null)).map(row(fields))).reason())
                    .isEqualTo("unreadable date-time (field 'ts')");
            fields.put("ts", " 2026-02-14T09:30:00Z ");
            assertThat(person(mapper(webConnector(false, "EUR", null)).map(row(fields))).updatedAt()).isEqualTo(ts);
        }
    }

    @Nested
    class ConsentRows {

        @Test
        void mapsAConsentRowWithItsSubjectDecisionAndEvidence() {
            var mapped = mapper(consentConnector()).map(row(consentRow()));

            assertThat(mapped).isEqualTo(new RecordMapper.Consent(new ConsentRow("events.jsonl line 7",
                    Optional.of(EMAIL), Optional.empty(), "web_form",
                    new ConsentSignal("marketing_email", ConsentStatus.WITHDRAWN, Instant.parse("2026-01-05T10:15:00Z"),
                            "form:unsubscribe-2026"))));
        }

        @Test
        void rowWithOnlyAPhoneNamesItsSubjectByPhone() {
            Map<String, Object> fields = consentRow();
            fields.put("email", "");
            fields.put("phone", "+44 20 7946 0000");
            fields.put("source", "");

            var consent = ((RecordMapper.Consent) mapper(consentConnector()).map(row(fields))).row();

            assertThat(consent.email()).isEmpty();
            assertThat(consent.phone()).contains("+44 20 7946 0000");
            assertThat(consent.sourceSystem()).as("blank source falls back to the connector's system").isEqualTo("cmp");
        }
    }

    @Nested
    class Quarantine {

        @Test
        void rowWithoutIdIsQuarantinedWithItsRefAndRawText() {
            Map<String, Object> fields = webRow();
            fields.put("user_id", " ");

            assertThat(rejected(mapper(webConnector(false, "EUR", null)).map(row(fields)))).isEqualTo(new Quarantined(
                    "events.jsonl line 7", "missing record id (field 'user_id')", "raw text of line 7 with " + EMAIL));
        }

        @Test
        void unreadableUpdatedAt() {
            Map<String, Object> fields = webRow();
            fields.put("ts", "14/02/2026 half past nine");

            assertThat(rejected(mapper(webConnector(false, "EUR", null)).map(row(fields))).reason())
                    .isEqualTo("unreadable date-time (field 'ts')");
        }

        @Test
        void consentFlagThatIsNotABoolean() {
            Map<String, Object> fields = webRow();
            fields.put("consent", Map.of("analytics", "maybe"));

            assertThat(rejected(mapper(webConnector(false, "EUR", null)).map(row(fields))).reason())
                    .isEqualTo("consent flag for 'analytics' is neither true nor false (field 'consent.analytics')");
        }

        @Test
        void metricThatIsNotANumber() {
            Map<String, Object> fields = webRow();
            fields.put("stats", Map.of("visits", "many"));

            assertThat(rejected(mapper(webConnector(false, "EUR", null)).map(row(fields))).reason())
                    .isEqualTo("metric 'visits' is not a number (field 'stats.visits')");
        }

        @Test
        void amountThatIsNotANumber() {
            Map<String, Object> fields = webRow();
            fields.put("amount", "49,90 EUR");

            assertThat(rejected(mapper(webConnector(false, "EUR", null)).map(row(fields))).reason())
                    .isEqualTo("transaction amount is not a number (field 'amount')");
        }

        @Test
        void currencyThatIsNotAnIsoCode() {
            Map<String, Object> fields = webRow();
            fields.put("currency", "Euro");

            assertThat(rejected(mapper(webConnector(false, "EUR", "currency")).map(row(fields))).reason())
                    .isEqualTo("currency is not an ISO 4217 code (field 'currency')");
        }

        @Test
        void transactionWithoutCurrencyAndNoDefault() {
            assertThat(rejected(mapper(webConnector(false, null, "currency")).map(row(webRow()))).reason())
                    .isEqualTo("missing currency (field 'currency')");
        }

        @Test
        void consentRowWithoutEmailOrPhone() {
            Map<String, Object> fields = consentRow();
            fields.put("email", " ");
            fields.remove("phone");

            assertThat(rejected(mapper(consentConnector()).map(row(fields))).reason())
                    .isEqualTo("consent row names no subject (neither e-mail nor phone)");
        }

        @Test
        void consentRowWithUnknownPurpose() {
            Map<String, Object> fields = consentRow();
            fields.put("purpose", "telemarketing");

            Quarantined q = rejected(mapper(consentConnector()).map(row(fields)));

            assertThat(q.reason()).isEqualTo("unknown purpose: not one of the purposes in purposes.yml (field 'purpose')");
        }

        @Test
        void consentRowWithUnknownStatus() {
            Map<String, Object> fields = consentRow();
            fields.put("status", "pending");

            assertThat(rejected(mapper(consentConnector()).map(row(fields))).reason())
                    .isEqualTo("status is not granted, denied or withdrawn (field 'status')");
        }

        static Stream<Arguments> valuesLongerThanTheStoreHolds() {
            return Stream.of(
                    Arguments.of(webConnector(false, "EUR", null), "user_id", "x".repeat(201), "record id is longer than 200 characters (field 'user_id')"),
                    Arguments.of(webConnector(false, "EUR", null), "order_no", "x".repeat(201), "transaction id is longer than 200 characters (field 'order_no')"),
                    Arguments.of(webConnector(false, "EUR", null), "event_id", "x".repeat(201), "event id is longer than 200 characters (field 'event_id')"),
                    Arguments.of(webConnector(false, "EUR", null), "type", "x".repeat(65), "event type is longer than 64 characters (field 'type')"),
                    Arguments.of(webConnector(false, "EUR", null), "amount", "1000000000000", "transaction amount is not below 10^12 (field 'amount')"),
                    Arguments.of(webConnector(false, "EUR", null), "amount", "-1E+12", "transaction amount is not below 10^12 (field 'amount')"),
                    Arguments.of(webConnector(false, "EUR", null), "stats", Map.of("visits", "1E+999999999"), "metric 'visits' has more than 40 digits (field 'stats.visits')"),
                    Arguments.of(webConnector(false, "EUR", null), "stats", Map.of("visits", "0." + "0".repeat(40) + "1"), "metric 'visits' has more than 40 digits (field 'stats.visits')"),
                    Arguments.of(consentConnector(), "evidence", "x".repeat(501), "evidence is longer than 500 characters (field 'evidence')"),
                    Arguments.of(consentConnector(), "source", "x".repeat(65), "source is longer than 64 characters (field 'source')"));
        }

        @ParameterizedTest(name = "{1}")
        @MethodSource("valuesLongerThanTheStoreHolds")
        void aValueTheStoresColumnCannotHoldIsQuarantinedInsteadOfFailingTheBatch(ConnectorConfig connector, String field,
                                                                                 Object value, String reason) {
            assertThat(rejected(mapper(connector).map(row(Quarantine.with(
                    connector.kindOrDefault() == ConnectorKind.CONSENT ? consentRow() : webRow(), field, value)))).reason())
                    .isEqualTo(reason);
        }

        @Test
        void valuesAtTheStoresLimitsAreTaken() {
            Map<String, Object> fields = webRow();
            fields.put("user_id", "u".repeat(200));
            fields.put("order_no", "o".repeat(200));
            fields.put("event_id", "e".repeat(200));
            fields.put("type", "t".repeat(64));
            fields.put("amount", "999999999999.99");
            fields.put("stats", Map.of("visits", "9".repeat(40)));

            SourceRecord r = person(mapper(webConnector(false, "EUR", null)).map(row(fields)));

            assertThat(r.recordId()).hasSize(200);
            assertThat(r.transactions()).singleElement().satisfies(t -> assertThat(t.amount()).isEqualByComparingTo("999999999999.99"));
            assertThat(r.events()).singleElement().satisfies(e -> assertThat(e.type()).hasSize(64));
            assertThat(r.metrics()).containsEntry("visits", "9".repeat(40));
        }

        @Test
        void aPseudonymisedIdMayBeLongerSinceOnlyItsHashIsStored() {
            Map<String, Object> fields = webRow();
            fields.put("user_id", "u".repeat(500));

            assertThat(person(mapper(webConnector(true, "EUR", null)).map(row(fields))).recordId()).hasSize(500);
        }

        @Test
        void rowTheReaderCouldNotParseKeepsTheReadersReason() {
            var unreadable = SourceRow.unreadable("events.jsonl line 3", "line is not valid JSON", "{\"user_id\": ");

            assertThat(rejected(mapper(webConnector(false, "EUR", null)).map(unreadable)))
                    .isEqualTo(new Quarantined("events.jsonl line 3", "line is not valid JSON", "{\"user_id\": "));
        }

        static Stream<Arguments> rowsThatCannotBeMapped() {
            return Stream.of(
                    Arguments.of("person without id", webConnector(false, "EUR", null), with(webRow(), "user_id", null)),
                    Arguments.of("unreadable time", webConnector(false, "EUR", null), with(webRow(), "ts", EMAIL)),
                    Arguments.of("consent flag", webConnector(false, "EUR", null), with(webRow(), "consent", Map.of("analytics", EMAIL))),
                    Arguments.of("metric", webConnector(false, "EUR", null), with(webRow(), "stats", Map.of("visits", EMAIL))),
                    Arguments.of("amount", webConnector(false, "EUR", null), with(webRow(), "amount", EMAIL)),
                    Arguments.of("currency", webConnector(false, "EUR", "currency"), with(webRow(), "currency", EMAIL)),
                    Arguments.of("purpose shifted into by a missing column", consentConnector(), with(consentRow(), "purpose", EMAIL)),
                    Arguments.of("status", consentConnector(), with(consentRow(), "status", EMAIL)),
                    Arguments.of("consent time", consentConnector(), with(consentRow(), "occurred_at", EMAIL)),
                    Arguments.of("over-long id", webConnector(false, "EUR", null), with(webRow(), "user_id", (EMAIL + " ").repeat(10))),
                    Arguments.of("over-long evidence", consentConnector(), with(consentRow(), "evidence", (EMAIL + " ").repeat(25))));
        }

        static Map<String, Object> with(Map<String, Object> row, String field, Object value) {
            row.put(field, value);
            return row;
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("rowsThatCannotBeMapped")
        void reasonNamesFieldsButNeverTheRowsValues(String what, ConnectorConfig connector, Map<String, Object> fields) {
            Quarantined q = rejected(mapper(connector).map(row(fields)));

            assertThat(q.reason()).doesNotContain(EMAIL).doesNotContain("ann.weber").doesNotContain("U-0042");
            assertThat(q.ref()).doesNotContain(EMAIL);
            assertThat(q.payload()).as("the raw row still goes to the (sealed) quarantine").contains(EMAIL);
        }
    }
}
