package io.segmenthub.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * A slice of one connector's pull, small enough to hold in memory. {@code watermark} is the
 * highest cursor value in the slice; it is committed only after the whole run has persisted.
 * {@code prepared} is what ingest made of the slice ahead of its transaction, on the thread that
 * read it ({@link IngestStage#prepareAhead}); ingest works it out itself when it is absent.
 */
public record SourceBatch(
        String connectorId,
        List<SourceRecord> records,
        List<ConsentRow> consentRows,
        List<Quarantined> quarantined,
        Optional<String> watermark,
        Optional<IngestStage.Prepared> prepared) {

    public SourceBatch {
        records = List.copyOf(records);
        consentRows = List.copyOf(consentRows);
        quarantined = List.copyOf(quarantined);
    }

    public SourceBatch(String connectorId, List<SourceRecord> records, List<ConsentRow> consentRows,
                       List<Quarantined> quarantined, Optional<String> watermark) {
        this(connectorId, records, consentRows, quarantined, watermark, Optional.empty());
    }

    SourceBatch with(IngestStage.Prepared work) {
        return new SourceBatch(connectorId, records, consentRows, quarantined, watermark, Optional.of(work));
    }

    public int size() {
        return records.size() + consentRows.size() + quarantined.size();
    }
}
