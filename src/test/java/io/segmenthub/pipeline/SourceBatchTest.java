package io.segmenthub.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmenthub.profile.Attribute;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Recognised lines parsed after all take their places among a batch's records, so that a record's
 * rows are coalesced in the order of the source, however many times lines are parsed.
 */
class SourceBatchTest {

    static final Instant T1 = Instant.parse("2026-10-01T00:00:00Z");

    static SourceRecord record(String id, String name) {
        return new SourceRecord("crm", id, T1, Map.of(Attribute.GIVEN_NAME, name), Map.of(), List.of(), List.of(), List.of());
    }

    static RecognisedLine line(String ref, String id, String name, int before) {
        SourceRecord parsed = record(id, name);
        return new RecognisedLine(ref, id, "hash-of-" + ref, before, () -> new SourceBatch("crm", List.of(parsed), List.of("hash-of-" + ref),
                List.of(), List.of(), List.of(), Optional.empty(), Optional.empty()));
    }

    /** Lines 1 (Y), 2 (X, parsed), 3 (X, recognised): parsing line 1, then line 3, leaves X's rows in the file's order. */
    @Test
    void linesParsedOneAfterAnotherTakeTheirPlacesInTheFilesOrder() {
        RecognisedLine first = line("line 1", "Y", "Yan", 0);
        RecognisedLine third = line("line 3", "X", "Xena", 1);
        SourceBatch batch = new SourceBatch("crm", List.of(record("X", "Xavier")), List.of("hash-of-line 2"), List.of(first, third),
                List.of(), List.of(), Optional.empty(), Optional.empty());

        SourceBatch once = batch.withParsed(List.of(first));
        SourceBatch twice = once.withParsed(once.recognised());

        assertThat(once.recognised()).singleElement().extracting(RecognisedLine::before).isEqualTo(2);
        assertThat(twice.records()).extracting(r -> r.identity().get(Attribute.GIVEN_NAME)).containsExactly("Yan", "Xavier", "Xena");
        assertThat(twice.lineHashes()).containsExactly("hash-of-line 1", "hash-of-line 2", "hash-of-line 3");
        assertThat(twice.recognised()).isEmpty();
        assertThat(twice.size()).isEqualTo(batch.size());
        // the later of X's rows wins when they are coalesced
        assertThat(IngestStage.coalesce(twice.records(), i -> Optional.empty()).get(1).record().identity()).containsEntry(Attribute.GIVEN_NAME, "Xena");
    }

    /** A line parsed after all that maps to no person (a row the mapping now refuses) moves nothing after it. */
    @Test
    void aLineParsedIntoNoRecordLeavesTheOthersWhereTheyWere() {
        RecognisedLine refused = new RecognisedLine("line 1", "Y", "hash-of-line 1", 0, () -> new SourceBatch("crm", List.of(), List.of(),
                List.of(new Quarantined("line 1", "missing record id", "{}")), Optional.empty()));
        RecognisedLine later = line("line 3", "X", "Xena", 1);
        SourceBatch batch = new SourceBatch("crm", List.of(record("X", "Xavier")), List.of("hash-of-line 2"), List.of(refused, later),
                List.of(), List.of(), Optional.empty(), Optional.empty());

        SourceBatch once = batch.withParsed(List.of(refused));

        assertThat(once.quarantined()).extracting(Quarantined::reason).containsExactly("missing record id");
        assertThat(once.recognised()).singleElement().extracting(RecognisedLine::before).isEqualTo(1);
        assertThat(once.withParsed(once.recognised()).records()).extracting(r -> r.identity().get(Attribute.GIVEN_NAME))
                .containsExactly("Xavier", "Xena");
    }
}
