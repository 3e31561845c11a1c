package io.segmenthub.connector;

import io.segmenthub.pipeline.ConsentRow;
import io.segmenthub.pipeline.Quarantined;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SourceRecord;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a lazy stream of source rows into batches of mapped records, so a pull never holds more
 * than one batch in memory. Camel's splitter iterates it in streaming mode and closes it (and the
 * file or result set behind it) when the split ends, also on failure.
 */
final class SourceBatches implements Iterator<SourceBatch>, Closeable {

    private final String connectorId;
    private final Iterator<SourceRow> rows;
    private final RecordMapper mapper;
    private final int batchSize;
    private final Function<SourceRow, Optional<String>> watermarkOf;
    private final Closeable resource;

    SourceBatches(String connectorId, Iterator<SourceRow> rows, RecordMapper mapper, int batchSize,
                  Function<SourceRow, Optional<String>> watermarkOf, Closeable resource) {
        this.connectorId = connectorId;
        this.rows = rows;
        this.mapper = mapper;
        this.batchSize = batchSize;
        this.watermarkOf = watermarkOf;
        this.resource = resource;
    }

    @Override
    public boolean hasNext() {
        boolean more = rows.hasNext();
        if (!more) {
            close();
        }
        return more;
    }

    @Override
    public SourceBatch next() {
        if (!rows.hasNext()) {
            throw new NoSuchElementException();
        }
        List<SourceRecord> records = new ArrayList<>();
        List<ConsentRow> consents = new ArrayList<>();
        List<Quarantined> quarantined = new ArrayList<>();
        Optional<String> watermark = Optional.empty();
        int n = 0;
        while (n < batchSize && rows.hasNext()) {
            SourceRow row = rows.next();
            n++;
            RecordMapper.Mapped mapped = mapper.map(row);
            if (mapped instanceof RecordMapper.Person p) {
                records.add(p.record());
            } else if (mapped instanceof RecordMapper.Consent c) {
                consents.add(c.row());
            } else if (mapped instanceof RecordMapper.Rejected r) {
                quarantined.add(r.quarantined());
            }
            Optional<String> mark = watermarkOf.apply(row);
            if (mark.isPresent()) {
                watermark = mark;
            }
        }
        return new SourceBatch(connectorId, records, consents, quarantined, watermark);
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (IOException e) {
            throw new ConnectorException("connector '" + connectorId + "': closing the source failed: " + e.getMessage(), e);
        }
    }
}
