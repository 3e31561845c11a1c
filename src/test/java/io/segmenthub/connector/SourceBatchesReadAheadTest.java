package io.segmenthub.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segmenthub.pipeline.SourceBatch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The next batch is read while the splitter stores the one before: rows still come one thread at a
 * time and in order, a read failure surfaces when its batch is asked for, and the source is not
 * closed under a read in flight.
 */
class SourceBatchesReadAheadTest {

    /** Rows C-1 … C-count in batches of two; records which thread read each row and what it logged under. */
    final class Rows implements Iterator<SourceRow> {
        final int count;
        int next = 1;
        int failAt = -1;
        int blockAt = -1;
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> readBy = new CopyOnWriteArrayList<>();
        final List<String> loggedUnder = new CopyOnWriteArrayList<>();
        final CountDownLatch rowFourRead = new CountDownLatch(1);
        final AtomicBoolean reading = new AtomicBoolean();
        volatile boolean closedWhileReading;
        volatile boolean closed;

        Rows(int count) {
            this.count = count;
        }

        @Override
        public boolean hasNext() {
            return !closed && next <= count;
        }

        @Override
        public SourceRow next() {
            reading.set(true);
            try {
                int n = next++;
                readBy.add(Thread.currentThread().getName());
                loggedUnder.add(String.valueOf(MDC.get("run")));
                if (n == blockAt) {
                    blocked.countDown();
                    await(release);
                }
                if (n == failAt) {
                    throw new ConnectorException("connector 'crm': row " + n + " unreadable");
                }
                if (n == 4) {
                    rowFourRead.countDown();
                }
                return new SourceRow("row " + n, Map.of("contact_id", "C-" + n), "C-" + n);
            } finally {
                reading.set(false);
            }
        }

        SourceBatches batches() {
            var connector = new ConnectorConfig("crm", ConnectorType.FILE, "crm", null, "customer_account", null, null, null, null,
                    new RecordMapping("contact_id", null, null, Map.of(), Map.of(), Map.of(), null, null, null));
            return new SourceBatches("crm", this, RecordMapperTest.mapper(connector), 2, row -> Optional.empty(), () -> {
                closedWhileReading = reading.get();
                closed = true;
            });
        }
    }

    @AfterEach
    void clearLogContext() {
        MDC.clear();
    }

    @Test
    void theNextBatchIsReadWhileTheCallerHoldsThisOne() throws Exception {
        Rows rows = new Rows(6);
        SourceBatches batches = rows.batches();

        assertThat(ids(batches.next())).containsExactly("C-1", "C-2");
        assertThat(rows.rowFourRead.await(10, TimeUnit.SECONDS)).as("the second batch is read without being asked for").isTrue();

        List<String> rest = new ArrayList<>();
        batches.forEachRemaining(b -> rest.addAll(ids(b)));
        assertThat(rest).containsExactly("C-3", "C-4", "C-5", "C-6");
        assertThat(rows.readBy.subList(0, 2)).containsOnly(Thread.currentThread().getName());
        assertThat(rows.readBy.subList(2, 6)).containsOnly("read-ahead-crm");
        assertThat(rows.closed).isTrue();
    }

    /** Camel's splitter asks hasNext() right after next(), before storing what it took: that must not wait for the read. */
    @Test
    void whetherAnotherBatchFollowsIsAnsweredWithoutWaitingForItsRows() throws Exception {
        Rows rows = new Rows(6);
        rows.blockAt = 4;
        SourceBatches batches = rows.batches();

        batches.next();
        assertThat(rows.blocked.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(batches.hasNext()).as("answered while the reader is held in the middle of the batch").isTrue();
        rows.release.countDown();

        assertThat(ids(batches.next())).containsExactly("C-3", "C-4");
    }

    @Test
    void eachBatchIsPreparedOnTheThreadThatReadItBeforeItIsHandedOn() {
        Rows rows = new Rows(6);
        List<String> preparedBy = new CopyOnWriteArrayList<>();
        SourceBatches batches = rows.batches().preparing(batch -> {
            preparedBy.add(Thread.currentThread().getName());
            return new SourceBatch(batch.connectorId(), batch.records().subList(0, 1), batch.consentRows(), batch.quarantined(),
                    batch.watermark());
        });

        List<String> handedOn = new ArrayList<>();
        batches.forEachRemaining(b -> handedOn.addAll(ids(b)));

        assertThat(handedOn).as("what the step made of each batch").containsExactly("C-1", "C-3", "C-5");
        assertThat(preparedBy).containsExactly(Thread.currentThread().getName(), "read-ahead-crm", "read-ahead-crm");
    }

    @Test
    void whatTheSourceLogsWhileReadingAheadKeepsTheRunsContext() {
        MDC.put("run", "20261206-0900-abc");
        Rows rows = new Rows(4);
        SourceBatches batches = rows.batches();

        batches.forEachRemaining(b -> { });

        assertThat(rows.loggedUnder).hasSize(4).containsOnly("20261206-0900-abc");
    }

    @Test
    void aFailureReadingAheadSurfacesWhenItsBatchIsAskedForAndThePullCannotResume() {
        Rows rows = new Rows(6);
        rows.failAt = 3;
        SourceBatches batches = rows.batches();

        assertThat(ids(batches.next())).containsExactly("C-1", "C-2");

        assertThat(batches.hasNext()).as("a row follows").isTrue();
        assertThatThrownBy(batches::next).isInstanceOf(ConnectorException.class).hasMessageContaining("row 3 unreadable");
        assertThatThrownBy(batches::hasNext).isInstanceOf(SourceInterruptedException.class)
                .hasMessageContaining("row 3 unreadable").hasMessageContaining("cannot resume");
    }

    @Test
    void closingWhileABatchIsReadAheadWaitsForTheReadBeforeClosingTheSource() throws Exception {
        Rows rows = new Rows(6);
        rows.blockAt = 3;
        SourceBatches batches = rows.batches();
        batches.next();
        assertThat(rows.blocked.await(10, TimeUnit.SECONDS)).isTrue();

        Thread releaser = new Thread(() -> {
            sleep(200);
            rows.release.countDown();
        });
        releaser.start();
        batches.close(); // as the splitter does when storing the first batch failed
        releaser.join();

        assertThat(rows.closed).isTrue();
        assertThat(rows.closedWhileReading).as("the source was closed under a read").isFalse();
        assertThatThrownBy(batches::hasNext).isInstanceOf(SourceInterruptedException.class);
    }

    /** A batch large enough to be mapped on both cores comes out as if mapped row by row. */
    @Test
    void aLargeBatchIsMappedInTheOrderItsRowsWereRead() {
        List<SourceRow> read = new ArrayList<>();
        for (int n = 1; n <= 1_000; n++) {
            // every seventh row has no id: quarantined with its ref, in place
            read.add(n % 7 == 0 ? new SourceRow("row " + n, Map.of("name", "x"), "row " + n)
                    : new SourceRow("row " + n, Map.of("contact_id", "C-" + n), "C-" + n));
        }
        var connector = new ConnectorConfig("crm", ConnectorType.FILE, "crm", null, "customer_account", null, null, null, null,
                new RecordMapping("contact_id", null, null, Map.of(), Map.of(), Map.of(), null, null, null));
        SourceBatches batches = new SourceBatches("crm", read.iterator(), RecordMapperTest.mapper(connector), 1_000,
                row -> Optional.of(row.ref()), () -> { });

        SourceBatch batch = batches.next();

        assertThat(ids(batch)).hasSize(858).isEqualTo(read.stream().filter(r -> !r.ref().equals(r.raw()))
                .map(SourceRow::raw).toList());
        assertThat(batch.quarantined()).hasSize(142).extracting(q -> q.ref()).startsWith("row 7", "row 14", "row 21").endsWith("row 994");
        assertThat(batch.watermark()).contains("row 1000");
        assertThat(batches.hasNext()).isFalse();
    }

    /**
     * Lines recognised as before ride along beside the rows a batch is sized by: a re-run of a file
     * that is mostly as before comes in few batches, each still holding at most its size in rows to
     * store, and at most {@link SourceBatches#RECOGNISED_PER_BATCH} times it in lines.
     */
    @Test
    void recognisedLinesAreCarriedBesideTheRowsABatchIsSizedBy() {
        List<SourceRow> read = new ArrayList<>();
        for (int n = 1; n <= 80; n++) {
            read.add(new SourceRow("line " + n, Map.of(), "{\"contact_id\": \"C-" + n + "\"}"));
        }
        var connector = new ConnectorConfig("crm", ConnectorType.FILE, "crm", null, "customer_account", null, null, null, null,
                new RecordMapping("contact_id", null, null, Map.of(), Map.of(), Map.of(), null, null, null));
        List<String> changed = List.of("C-3", "C-8", "C-9");
        SourceBatches batches = new SourceBatches("crm", read.iterator(), RecordMapperTest.mapper(connector), 2, row -> Optional.empty(), () -> { })
                .parsing(row -> new SourceRow(row.ref(), Map.of("contact_id", row.raw().replaceAll(".*\"(C-[0-9]+)\".*", "$1")), row.raw()))
                .recognising(new SourceBatches.Lines() {
                    @Override
                    public String hash(String line) {
                        return line.replaceAll(".*\"(C-[0-9]+)\".*", "$1");
                    }

                    @Override
                    public Optional<String> recordPulledAs(String hash) {
                        return changed.contains(hash) ? Optional.empty() : Optional.of(hash);
                    }
                });

        List<SourceBatch> pulled = new ArrayList<>();
        batches.forEachRemaining(pulled::add);

        // C-1, C-2 recognised, C-3 parsed, C-4 … C-7 recognised, C-8 parsed: two rows to store
        assertThat(ids(pulled.get(0))).containsExactly("C-3", "C-8");
        assertThat(pulled.get(0).recognised()).extracting(line -> line.recordId()).containsExactly("C-1", "C-2", "C-4", "C-5", "C-6", "C-7");
        assertThat(pulled.get(0).recognised()).extracting(line -> line.before()).containsExactly(0, 0, 1, 1, 1, 1);
        // C-9 parsed, then recognised lines up to 32 times the batch size of two in all
        assertThat(ids(pulled.get(1))).containsExactly("C-9");
        assertThat(pulled.get(1).recognised()).hasSize(2 * SourceBatches.RECOGNISED_PER_BATCH - 1);
        assertThat(pulled).hasSize(3);
        assertThat(ids(pulled.get(2))).isEmpty();
        assertThat(pulled.get(2).recognised()).hasSize(80 - 8 - 64);
    }

    private static List<String> ids(SourceBatch batch) {
        return batch.records().stream().map(r -> r.recordId()).toList();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
