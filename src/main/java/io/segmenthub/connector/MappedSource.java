package io.segmenthub.connector;

import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;

import java.io.Closeable;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The door for connector types that live in their own package (connector/http): they produce raw
 * rows, and this maps them onto canonical records in batches exactly as the file and jdbc sources do.
 */
public final class MappedSource {

    /** A row as read: {@code ref} locates it without personal data, {@code raw} is its text for the quarantine. */
    public record Row(String ref, Map<String, Object> fields, String raw) {
    }

    private MappedSource() {
    }

    public static Iterator<SourceBatch> batches(HubConfig config, ConnectorConfig connector, SyncRun run, Iterator<Row> rows,
                                                Function<Row, Optional<String>> watermarkOf, Closeable resource) {
        var mapper = new RecordMapper(connector, config.purposes().keySet(), run.startedAt(), config.tcfConsent());
        Iterator<SourceRow> sourceRows = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public SourceRow next() {
                Row row = rows.next();
                return new SourceRow(row.ref(), row.fields(), row.raw());
            }
        };
        // the watermark function sees the row just read: SourceBatches asks right after next()
        Function<SourceRow, Optional<String>> mark = row -> watermarkOf.apply(new Row(row.ref(), row.fields(), row.raw()));
        return new SourceBatches(connector.id(), sourceRows, mapper, connector.batchSizeOrDefault(), mark, resource);
    }
}
