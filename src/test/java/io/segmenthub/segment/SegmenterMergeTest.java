package io.segmenthub.segment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SegmenterMergeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> read(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Segmenter.StoredRecord record(String at, long id, String system, String attributes, String present, String invalid) {
        return new Segmenter.StoredRecord(Timestamp.from(Instant.parse(at)), id, system, attributes, present, invalid);
    }

    @Test
    void theRecordThatChangedLastInItsSourceWinsEachAttributeWhateverOrderTheRecordsComeIn() {
        var crm = record("2026-03-01T08:00:00Z", 7, "crm", "{\"tier\":\"gold\",\"country\":\"GB\"}", "email", "");
        var erp = record("2026-01-10T09:00:00Z", 9, "erp", "{\"tier\":\"silver\",\"segment\":\"b2c\"}", "phone", "phone");
        // the same moment in both sources: the record stored later (the higher id) wins
        var web = record("2026-03-01T08:00:00Z", 3, "web", "{\"tier\":\"bronze\"}", "", "");

        for (List<Segmenter.StoredRecord> order : List.of(List.of(crm, erp, web), List.of(web, crm, erp), List.of(erp, web, crm))) {
            Segmenter.Merged merged = Segmenter.merge(order, SegmenterMergeTest::read);

            assertThat(merged.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("tier", "gold", "country", "GB", "segment", "b2c"));
            assertThat(merged.sources()).containsExactlyInAnyOrder("crm", "erp", "web");
            assertThat(merged.hasEmail()).isTrue();
            assertThat(merged.hasPhone()).as("the only phone is invalid").isFalse();
        }
    }
}
