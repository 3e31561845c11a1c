package io.segmenthub.pipeline;

import io.segmenthub.consent.ConsentStatus;
import io.segmenthub.profile.Attribute;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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

        List<IngestStage.Coalesced> coalesced = IngestStage.coalesce(List.of(first, other, second));

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

        SourceRecord merged = IngestStage.coalesce(List.of(withEmail, withoutEmail)).get(0).record();

        assertThat(merged.identity()).containsEntry(Attribute.EMAIL, "ada@example.org");
    }
}
