package io.segmenthub.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * A slice of one connector's pull, small enough to hold in memory. {@code watermark} is the
 * highest cursor value in the slice; it is committed only after the whole run has persisted.
 */
public record SourceBatch(
        String connectorId,
        List<SourceRecord> records,
        List<ConsentRow> consentRows,
        List<Quarantined> quarantined,
        Optional<String> watermark) {

    public SourceBatch {
        records = List.copyOf(records);
        consentRows = List.copyOf(consentRows);
        quarantined = List.copyOf(quarantined);
    }

    public int size() {
        return records.size() + consentRows.size() + quarantined.size();
    }
}
