package io.segmenthub.pipeline;

import io.segmenthub.consent.ConsentStatus;
import io.segmenthub.consent.LawfulBasis;
import io.segmenthub.consent.Purpose;
import io.segmenthub.profile.Attribute;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class IngestStageTest {

    private static final Instant T1 = Instant.parse("2026-10-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-10-01T11:00:00Z");

    @Test
    void rowsOfOneRecordCoalesceKeepingEveryEventAndTheLaterNonEmptyValues() {
        var first = new SourceRecord("web", "U1", T1, Map.of(Attribute.EMAIL, "ada@example.org"), Map.of("likes", "1"),
                List.of(new ConsentSignal("analytics", ConsentStatus.GRANTED, T1, "flag")), List.of(),
                List.of(new EngagementEvent("E1", "page_view", T1)));
        var second = new SourceRecord("web", "U1", T2, Map.of(Attribute.GIVEN_NAME, "Ada"), Map.of("likes", "2"),
                List.of(), List.of(), List.of(new EngagementEvent("E2", "add_to_cart", T2)));
        var other = new SourceRecord("web", "U2", T1, Map.of(), Map.of(), List.of(), List.of(),
                List.of(new EngagementEvent("E3", "page_view", T1)));

        List<IngestStage.Coalesced> coalesced = IngestStage.coalesce(List.of(first, other, second), i -> Optional.empty());

        assertThat(coalesced).extracting(c -> c.record().recordId(), IngestStage.Coalesced::rows)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("U1", 2), org.assertj.core.groups.Tuple.tuple("U2", 1));
        SourceRecord u1 = coalesced.get(0).record();
        assertThat(u1.identity()).containsEntry(Attribute.EMAIL, "ada@example.org").containsEntry(Attribute.GIVEN_NAME, "Ada");
        assertThat(u1.metrics()).containsEntry("likes", "2");
        assertThat(u1.events()).extracting(EngagementEvent::id).containsExactly("E1", "E2");
        assertThat(u1.consents()).hasSize(1);
        assertThat(u1.updatedAt()).isEqualTo(T2);
    }

    @Test
    void aRowWithoutAValueDoesNotEraseTheValueAnEarlierRowGave() {
        var withEmail = new SourceRecord("web", "U1", T1, Map.of(Attribute.EMAIL, "ada@example.org"), Map.of(), List.of(), List.of(), List.of());
        var withoutEmail = new SourceRecord("web", "U1", T2, Map.of(), Map.of(), List.of(), List.of(), List.of());

        SourceRecord merged = IngestStage.coalesce(List.of(withEmail, withoutEmail), i -> Optional.empty()).get(0).record();

        assertThat(merged.identity()).containsEntry(Attribute.EMAIL, "ada@example.org");
    }

    private static final byte[] PROCESSING = IngestStage.sha256("what decides what ingest makes of a record");

    @Test
    void aPulledRecordIsWrittenTheSameWhateverOrderItsMapsHoldAndDiffersWhereverItChanged() {
        Map<Attribute, String> identity = new LinkedHashMap<>();
        identity.put(Attribute.PHONE, "138 0013 8000");
        identity.put(Attribute.EMAIL, "wei@example.cn");
        Map<Attribute, String> reversed = new LinkedHashMap<>();
        reversed.put(Attribute.EMAIL, "wei@example.cn");
        reversed.put(Attribute.PHONE, "138 0013 8000");
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("tier", "gold");
        metrics.put("visits", "3");
        Map<String, String> otherOrder = new LinkedHashMap<>();
        otherOrder.put("visits", "3");
        otherOrder.put("tier", "gold");
        var consent = List.of(new ConsentSignal("marketing_email", ConsentStatus.GRANTED, T1, "form"));
        var orders = List.of(new Transaction("O1", LocalDate.of(2026, 5, 1), new BigDecimal("88.00"), "CNY"));
        var record = new SourceRecord("crm", "C-2", T1, identity, metrics, consent, orders, List.of());

        byte[] form = IngestStage.pulledForm(record, PROCESSING);

        assertThat(IngestStage.pulledForm(new SourceRecord("crm", "C-2", T1, reversed, otherOrder, consent, orders, List.of()), PROCESSING))
                .isEqualTo(form);
        // when the source says it changed is not part of it: ingest stores nothing again for that alone
        assertThat(IngestStage.pulledForm(new SourceRecord("crm", "C-2", T2, identity, metrics, consent, orders, List.of()), PROCESSING))
                .isEqualTo(form);
        assertThat(List.of(
                new SourceRecord("crm", "C-3", T1, identity, metrics, consent, orders, List.of()),
                new SourceRecord("crm", "C-2", T1, Map.of(Attribute.EMAIL, "wei@example.cn"), metrics, consent, orders, List.of()),
                new SourceRecord("crm", "C-2", T1, identity, Map.of("tier", "gold"), consent, orders, List.of()),
                new SourceRecord("crm", "C-2", T1, identity, metrics,
                        List.of(new ConsentSignal("marketing_email", ConsentStatus.WITHDRAWN, T1, "form")), orders, List.of()),
                new SourceRecord("crm", "C-2", T1, identity, metrics, consent,
                        List.of(new Transaction("O1", LocalDate.of(2026, 5, 1), new BigDecimal("98.00"), "CNY")), List.of()),
                new SourceRecord("crm", "C-2", T1, identity, metrics, consent, orders, List.of(new EngagementEvent("E1", "page_view", T1)))))
                .allSatisfy(changed -> assertThat(IngestStage.pulledForm(changed, PROCESSING)).isNotEqualTo(form));
        assertThat(IngestStage.pulledForm(record, IngestStage.sha256("another region"))).isNotEqualTo(form);
    }

    @Test
    void valuesThatWouldRunTogetherInAPulledRecordStillTellTwoRecordsApart() {
        var joined = new SourceRecord("crm", "C-2", T1, Map.of(Attribute.GIVEN_NAME, "Ann Lee"), Map.of(), List.of(), List.of(), List.of());
        var split = new SourceRecord("crm", "C-2", T1, Map.of(Attribute.GIVEN_NAME, "Ann", Attribute.FAMILY_NAME, "Lee"), Map.of(),
                List.of(), List.of(), List.of());
        var idInSystem = new SourceRecord("crm", "C-2", T1, Map.of(), Map.of(), List.of(), List.of(), List.of());
        var systemInId = new SourceRecord("crmC", "-2", T1, Map.of(), Map.of(), List.of(), List.of(), List.of());
        var noCurrency = new SourceRecord("erp", "C-2", T1, Map.of(), Map.of(), List.of(),
                List.of(new Transaction("O1", LocalDate.of(2026, 5, 1), new BigDecimal("88.00"), null)), List.of());
        var emptyCurrency = new SourceRecord("erp", "C-2", T1, Map.of(), Map.of(), List.of(),
                List.of(new Transaction("O1", LocalDate.of(2026, 5, 1), new BigDecimal("88.00"), "")), List.of());

        assertThat(IngestStage.pulledForm(joined, PROCESSING)).isNotEqualTo(IngestStage.pulledForm(split, PROCESSING));
        assertThat(IngestStage.pulledForm(idInSystem, PROCESSING)).isNotEqualTo(IngestStage.pulledForm(systemInId, PROCESSING));
        assertThat(IngestStage.pulledForm(noCurrency, PROCESSING)).isNotEqualTo(IngestStage.pulledForm(emptyCurrency, PROCESSING));
    }

    @Test
    void aPulledRecordIsWrittenInFullWhateverItsCharactersTimesAndSize() {
        var zoe = new SourceRecord("crm", "C-2", T1, Map.of(Attribute.GIVEN_NAME, "Zoe"), Map.of(), List.of(), List.of(), List.of());
        var zoeAccented = new SourceRecord("crm", "C-2", T1, Map.of(Attribute.GIVEN_NAME, "Zoë"), Map.of(), List.of(), List.of(), List.of());
        var han = new SourceRecord("crm", "C-2", T1, Map.of(Attribute.FAMILY_NAME, "王"), Map.of(), List.of(), List.of(), List.of());
        // the non-ASCII character comes after ASCII ones already written: they are written again as UTF-8, length first
        assertThat(IngestStage.pulledForm(zoeAccented, PROCESSING)).isNotEqualTo(IngestStage.pulledForm(zoe, PROCESSING))
                .containsSubsequence(new byte[]{0, 0, 0, 4, 'Z', 'o', (byte) 0xC3, (byte) 0xAB});
        assertThat(IngestStage.pulledForm(han, PROCESSING)).containsSubsequence(new byte[]{0, 0, 0, 3, (byte) 0xE7, (byte) 0x8E, (byte) 0x8B});

        Instant at = Instant.parse("2026-10-10T03:40:10Z");
        var event = new SourceRecord("web", "V-1", T1, Map.of(), Map.of(), List.of(), List.of(),
                List.of(new EngagementEvent("E1", "page_view", at)));
        var aNanosecondLater = new SourceRecord("web", "V-1", T1, Map.of(), Map.of(), List.of(), List.of(),
                List.of(new EngagementEvent("E1", "page_view", at.plusNanos(1))));
        var noTime = new SourceRecord("web", "V-1", T1, Map.of(), Map.of(), List.of(), List.of(),
                List.of(new EngagementEvent("E1", "page_view", null)));
        var theEpoch = new SourceRecord("web", "V-1", T1, Map.of(), Map.of(), List.of(), List.of(),
                List.of(new EngagementEvent("E1", "page_view", Instant.EPOCH)));
        var noDate = new SourceRecord("erp", "C-2", T1, Map.of(), Map.of(), List.of(),
                List.of(new Transaction("O1", null, new BigDecimal("88.00"), "CNY")), List.of());
        var dayZero = new SourceRecord("erp", "C-2", T1, Map.of(), Map.of(), List.of(),
                List.of(new Transaction("O1", LocalDate.EPOCH, new BigDecimal("88.00"), "CNY")), List.of());
        assertThat(IngestStage.pulledForm(aNanosecondLater, PROCESSING)).isNotEqualTo(IngestStage.pulledForm(event, PROCESSING));
        assertThat(IngestStage.pulledForm(noTime, PROCESSING)).isNotEqualTo(IngestStage.pulledForm(theEpoch, PROCESSING));
        assertThat(IngestStage.pulledForm(noDate, PROCESSING)).isNotEqualTo(IngestStage.pulledForm(dayZero, PROCESSING));

        // one writer per thread keeps its grown buffer: a large record, then a small one written exactly as before it
        byte[] small = IngestStage.pulledForm(zoe, PROCESSING);
        var large = new SourceRecord("crm", "C-9", T1, Map.of(Attribute.STREET, "x".repeat(5_000) + "é".repeat(3_000)), Map.of(),
                List.of(), List.of(), List.of());
        byte[] largeForm = IngestStage.pulledForm(large, PROCESSING);
        // digest, system, record id, one identity value (its key, then 5,000 + 2 × 3,000 bytes), four empty lists' sizes
        assertThat(largeForm).hasSize(PROCESSING.length + (4 + 3) + (4 + 3) + 4 + (4 + Attribute.STREET.key().length()) + (4 + 11_000)
                + 4 * 4);
        assertThat(IngestStage.pulledForm(zoe, PROCESSING)).isEqualTo(small);
    }

    @Test
    void whatDecidesWhatIngestMakesOfARecordIsPartOfItsPulledHash() {
        Set<Attribute> personal = Set.of(Attribute.EMAIL, Attribute.PHONE);
        Map<String, Purpose> purposes = new LinkedHashMap<>();
        purposes.put("customer_account", new Purpose("customer_account", LawfulBasis.CONTRACT, null, null));
        purposes.put("marketing_email", new Purpose("marketing_email", LawfulBasis.CONSENT, null, 365));
        Map<String, Purpose> sameInOtherOrder = new TreeMap<>(Comparator.reverseOrder());
        sameInOtherOrder.putAll(purposes);
        String processing = IngestStage.processing("CN", "customer_account", personal, purposes);

        assertThat(IngestStage.processing("CN", "customer_account", Set.of(Attribute.PHONE, Attribute.EMAIL), sameInOtherOrder))
                .isEqualTo(processing);
        Map<String, Purpose> shorterConsent = new LinkedHashMap<>(purposes);
        shorterConsent.put("marketing_email", new Purpose("marketing_email", LawfulBasis.CONSENT, null, 180));
        assertThat(List.of(
                IngestStage.processing("GB", "customer_account", personal, purposes),
                IngestStage.processing("CN", "marketing_email", personal, purposes),
                IngestStage.processing("CN", "customer_account", Set.of(Attribute.EMAIL), purposes),
                IngestStage.processing("CN", "customer_account", personal, shorterConsent)))
                .doesNotContain(processing);
    }
}
