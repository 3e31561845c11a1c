package io.segmenthub.connector;

import io.segmenthub.pipeline.ConsentRow;
import io.segmenthub.pipeline.Quarantined;
import io.segmenthub.pipeline.RecognisedLine;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SourceRecord;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.MDC;

/**
 * Turns a lazy stream of source rows into batches of mapped records, so a pull never holds more
 * than two batches in memory. Camel's splitter iterates it in streaming mode and closes it (and the
 * file or result set behind it) when the split ends, also on failure.
 *
 * <p>While the splitter's thread stores one batch, the next is read and mapped on a thread of its
 * own (one per pull, one batch ahead): storing a batch mostly waits on the store, reading mostly
 * parses, so the two overlap. Rows are still read one at a time, in order, by one thread at a
 * time (a large batch's rows are then parsed, where the source leaves that to {@link #parsing},
 * and mapped on both cores, kept in that order); a read failure surfaces as before, when the
 * splitter asks for the batch it broke.
 */
public final class SourceBatches implements Iterator<SourceBatch>, Closeable {

    /** Below this many rows a batch is mapped on the reader thread alone. */
    private static final int MAPPED_TOGETHER = 256;
    /** A batch reads at most this many times its size in rows, recognised lines included: what it holds stays bounded. */
    static final int RECOGNISED_PER_BATCH = 32;

    private final String connectorId;
    private final Iterator<SourceRow> rows;
    private final RecordMapper mapper;
    private final int batchSize;
    private final Function<SourceRow, Optional<String>> watermarkOf;
    private final Closeable resource;
    private boolean exhausted;
    private boolean closed;
    /** The first read failure, as the splitter's thread saw it. */
    private RuntimeException failure;
    /** The batch being read ahead, if any. */
    private ReadAhead ahead;
    private ExecutorService reader;
    /** Work on each batch once it is read, on the thread that read it (see {@link #preparing}). */
    private volatile UnaryOperator<SourceBatch> prepare = UnaryOperator.identity();
    /** Makes a row as read into the row mapped (see {@link #parsing}). */
    private volatile UnaryOperator<SourceRow> parse = UnaryOperator.identity();
    /** Whether rows are read as text and parsed on their own (see {@link #parsing}). */
    private volatile boolean textRows;
    /** The keyed hashes of lines, and the records stored as pulled with them (see {@link #recognising}). */
    private volatile Lines lines;

    /**
     * What a pull knows of its lines: the keyed hash of a line's text, and the stored record last
     * pulled with exactly that hash, if any (held only once the pull holds its system's pulled hashes).
     */
    public interface Lines {
        String hash(String line);

        Optional<String> recordPulledAs(String hash);
    }

    /**
     * A batch read on the reader thread. {@code more} answers as soon as the reader knows whether a
     * row follows: Camel's splitter asks {@code hasNext()} right after each {@code next()}, before
     * it stores the batch it took, and waiting there for the whole next batch would undo the overlap.
     */
    private record ReadAhead(CompletableFuture<Boolean> more, Future<SourceBatch> batch) { }

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
    /**
     * Has {@code step} applied to each batch as soon as it is read: on the reader thread, while the
     * splitter's thread stores the batch before, for the work on a batch that needs nothing from
     * the store (ingest's cleaning and keyed hashes). Set before the first batch is taken.
     */
    public SourceBatches preparing(UnaryOperator<SourceBatch> step) {
        this.prepare = step;
        return this;
    }

    /**
     * Has {@code step} turn each row as read into the row mapped, on the mapping threads: for a
     * source whose reader only splits its input into rows (lines of JSON), so that the parsing is
     * done on both cores rather than by the one reader. Set before the first batch is taken.
     */
    public SourceBatches parsing(UnaryOperator<SourceRow> step) {
        this.parse = step;
        this.textRows = true;
        return this;
    }

    /**
     * Has each row of a source that reads its rows as text ({@link #parsing}) hashed before it is
     * parsed: a row whose hash a stored record was last pulled with is neither parsed nor mapped but
     * handed on as a {@link RecognisedLine}, and every record parsed from a row carries its row's
     * hash. A source without text rows is left as it is. Set before the first batch is taken. Text
     * rows are files' lines, which move no cursor, so a recognised row is not asked for a watermark.
     */
    public SourceBatches recognising(Lines known) {
        this.lines = known;
        return this;
    }

    public String connectorId() {
        return connectorId;
    }

    /** Whether this pull reads its rows as text, one record's row at a time, so that {@link #recognising} applies. */
    public boolean readsLines() {
        return textRows;
    }

    @Override
    public boolean hasNext() {
        if (exhausted) {
            return false;
        }
        if (failure != null || closed) {
            throw interrupted();
        }
        boolean more = ahead == null ? readNow(rows::hasNext) : await(ahead.more());
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
        SourceBatch batch = ahead == null ? readNow(this::readBatch) : await(ahead.batch());
        ahead = readAhead();
        return batch;
    }

    private ReadAhead readAhead() {
        CompletableFuture<Boolean> more = new CompletableFuture<>();
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        Future<SourceBatch> batch = reader().submit(() -> {
            if (logContext != null) {
                MDC.setContextMap(logContext); // the run and connector, for what the source logs while reading
            }
            try {
                boolean any;
                try {
                    any = rows.hasNext();
                } catch (RuntimeException e) {
                    more.completeExceptionally(e);
                    throw e;
                }
                more.complete(any);
                return any ? readBatch() : null;
            } finally {
                MDC.clear();
            }
        });
        return new ReadAhead(more, batch);
    }

    /**
     * A row as parsed and what mapping made of it, with the keyed hash of its text where lines are
     * hashed; or, when {@code recognisedAs} names a stored record, the row as read, neither parsed nor mapped.
     */
    private record Parsed(SourceRow row, RecordMapper.Mapped mapped, String hash, String recognisedAs) { }

    /**
     * The next batch of rows; called when at least one row follows. A batch holds {@code batchSize}
     * rows to parse and store; lines recognised as before are carried along beside them rather than
     * counted (up to {@link #RECOGNISED_PER_BATCH} times the batch size in all), so that a re-run of a
     * rewritten export file, almost all of it recognised, is stored in a few batches rather than in
     * as many as the first run's, each with its look-ups, statements and commit.
     */
    private SourceBatch readBatch() {
        Lines known = textRows ? lines : null;
        // hashing, parsing and mapping a row need nothing but the row: on both cores, in the order read (most
        // of a re-run's rewritten export file is then recognised unchanged, and reading and hashing are what is left)
        Function<SourceRow, Parsed> work = row -> {
            String hash = known == null || row.unreadable().isPresent() ? null : known.hash(row.raw());
            Optional<String> recognised = hash == null ? Optional.empty() : known.recordPulledAs(hash);
            if (recognised.isPresent()) {
                return new Parsed(row, null, hash, recognised.get());
            }
            SourceRow parsed = parse.apply(row);
            return new Parsed(parsed, mapper.map(parsed), hash, null);
        };
        Rows batch = new Rows();
        long read = 0;
        do {
            int wanted = batchSize - batch.parsed;
            List<SourceRow> chunk = new ArrayList<>(Math.min(wanted, 10_000));
            while (chunk.size() < wanted && rows.hasNext()) {
                chunk.add(rows.next());
            }
            read += chunk.size();
            List<Parsed> done = chunk.size() < MAPPED_TOGETHER ? chunk.stream().map(work).toList() : chunk.parallelStream().map(work).toList();
            for (Parsed parsed : done) {
                if (parsed.recognisedAs() != null) {
                    SourceRow row = parsed.row();
                    batch.recognised.add(new RecognisedLine(row.ref(), parsed.recognisedAs(), parsed.hash(), batch.records.size(), () -> {
                        SourceRow again = parse.apply(row);
                        Rows alone = new Rows();
                        alone.add(new Parsed(again, mapper.map(again), parsed.hash(), null));
                        return alone.batch();
                    }));
                } else {
                    batch.add(parsed);
                }
            }
        } while (!batch.recognised.isEmpty() && batch.parsed < batchSize && read < (long) batchSize * RECOGNISED_PER_BATCH && rows.hasNext());
        return prepare.apply(batch.batch());
    }

    /** A batch's rows as they are sorted out. */
    private final class Rows {
        final List<SourceRecord> records = new ArrayList<>();
        final List<String> lineHashes = new ArrayList<>();
        final List<RecognisedLine> recognised = new ArrayList<>();
        final List<ConsentRow> consents = new ArrayList<>();
        final List<Quarantined> quarantined = new ArrayList<>();
        Optional<String> watermark = Optional.empty();
        boolean hashed;
        /** Rows parsed and mapped: those a batch is sized by. */
        int parsed;

        void add(Parsed parsed) {
            this.parsed++;
            RecordMapper.Mapped mapped = parsed.mapped();
            if (mapped instanceof RecordMapper.Person p) {
                records.add(p.record());
                lineHashes.add(parsed.hash() == null ? SourceBatch.NO_LINE : parsed.hash());
                hashed |= parsed.hash() != null;
            } else if (mapped instanceof RecordMapper.Consent c) {
                consents.add(c.row());
            } else if (mapped instanceof RecordMapper.Rejected r) {
                quarantined.add(r.quarantined());
            }
            Optional<String> mark = watermarkOf.apply(parsed.row());
            if (mark.isPresent()) {
                watermark = mark;
            }
        }

        SourceBatch batch() {
            return new SourceBatch(connectorId, records, hashed ? lineHashes : List.of(), recognised, consents, quarantined,
                    watermark, Optional.empty());
        }
    }

    private <T> T readNow(Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    private <T> T await(Future<T> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new SourceInterruptedException("connector '" + connectorId + "': interrupted while reading the source");
            throw failure;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            failure = e.getCause() instanceof RuntimeException cause ? cause : new ConnectorException(
                    "connector '" + connectorId + "': reading the source failed: " + e.getCause().getMessage(), e.getCause());
            throw failure;
        }
    }

    /** One thread, gone after a minute idle even if the pull is never closed (it is, by the splitter). */
    private ExecutorService reader() {
        if (reader == null) {
            var pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "read-ahead-" + connectorId);
                thread.setDaemon(true);
                return thread;
            });
            pool.allowCoreThreadTimeOut(true);
            reader = pool;
        }
        return reader;
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

    /** Waits for a batch being read ahead before closing the source under it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ahead != null) {
            try {
                ahead.batch().get(); // what it read, or how it failed, no longer matters
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // the split has ended already; its own failure is the one reported
            }
            ahead = null;
        }
        if (reader != null) {
            reader.shutdown();
        }
        try {
            resource.close();
        } catch (IOException e) {
            throw new ConnectorException("connector '" + connectorId + "': closing the source failed: " + e.getMessage(), e);
        }
    }
}
