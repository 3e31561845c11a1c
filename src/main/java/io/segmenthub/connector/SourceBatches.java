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
import java.util.function.Supplier;

/**
 * Turns a lazy stream of source rows into batches of mapped records, so a pull never holds more
 * than one batch in memory. Camel's splitter iterates it in streaming mode and closes it (and the
 * file or result set behind it) when the split ends, also on failure.
 */
public final class SourceBatches implements Iterator<SourceBatch>, Closeable {

    private final String connectorId;
    private final Iterator<SourceRow> rows;
    private final RecordMapper mapper;
    private final int batchSize;
    private final Function<SourceRow, Optional<String>> watermarkOf;
    private final Closeable resource;
    private boolean exhausted;
    private boolean closed;
    private RuntimeException failure;

    public SourceBatches(String connectorId, Iterator<SourceRow> rows, RecordMapper mapper, int batchSize,
                  Function<SourceRow, Optional<String>> watermarkOf, Closeable resource) {
        this.connectorId = connectorId;
        this.rows = rows;
        this.mapper = mapper;
        this.batchSize = batchSize;
        this.watermarkOf = watermarkOf;
        this.resource = resource;
    }

    /**
     * Whether another batch follows. A pull that stopped early (a read failed, or the splitter closed
     * it after a failed batch) cannot resume mid-stream: when Camel's redelivery asks again, this
     * throws instead of answering "no more rows", so the run fails and commits no watermark rather
     * than succeeding with part of the source.
     */
    @Override
    public boolean hasNext() {
        if (exhausted) {
            return false;
        }
        if (failure != null || closed) {
            throw interrupted();
        }
        boolean more = read(rows::hasNext);
        if (!more) {
            exhausted = true;
            close();
        }
        return more;
    }

    @Override
    public SourceBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<SourceRecord> records = new ArrayList<>();
        List<ConsentRow> consents = new ArrayList<>();
        List<Quarantined> quarantined = new ArrayList<>();
        Optional<String> watermark = Optional.empty();
        int n = 0;
        while (n < batchSize && read(rows::hasNext)) {
            SourceRow row = read(rows::next);
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

    private <T> T read(Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Not a {@link ConnectorException} and without the first failure as its cause, so the pull's
     * redelivery policy does not retry it again; the first failure rides along as suppressed.
     */
    private SourceInterruptedException interrupted() {
        var e = new SourceInterruptedException("connector '" + connectorId + "': the pull stopped before the end of the source"
                + (failure == null ? "" : " (" + failure.getMessage() + ")")
                + " and cannot resume mid-stream; the run fails and the next run reads again from the last committed watermark");
        if (failure != null) {
            e.addSuppressed(failure);
        }
        return e;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            resource.close();
        } catch (IOException e) {
            throw new ConnectorException("connector '" + connectorId + "': closing the source failed: " + e.getMessage(), e);
        }
    }
}
