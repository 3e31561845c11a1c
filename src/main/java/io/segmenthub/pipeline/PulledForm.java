package io.segmenthub.pipeline;

import io.segmenthub.profile.Attribute;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A record as it was pulled, written out for its keyed hash (see {@link IngestStage#pulledForm}):
 * every value with its length, maps in key order, times as numbers. One writer per thread, its
 * buffer kept from record to record: every pulled row is written out, in a re-run mostly to be found
 * unchanged, and a buffer and a string's bytes per value were a fifth of what such a run allocated.
 */
final class PulledForm {

    private static final List<Attribute> ATTRIBUTES = List.of(Attribute.values());
    private static final ThreadLocal<PulledForm> WRITERS = ThreadLocal.withInitial(PulledForm::new);

    private byte[] buffer = new byte[512];
    private int length;

    /** This thread's writer holding {@code record}'s form; valid until the thread writes the next. */
    static PulledForm of(SourceRecord record, byte[] processingDigest) {
        PulledForm form = WRITERS.get();
        form.length = 0;
        form.write(record, processingDigest);
        return form;
    }

    /** This thread's writer holding a line of text as pulled, after {@code digest} (what decides what the line is made into). */
    static PulledForm ofLine(String line, byte[] digest) {
        PulledForm form = WRITERS.get();
        form.length = 0;
        form.bytes(digest);
        form.text(line);
        return form;
    }

    byte[] buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }

    private void write(SourceRecord record, byte[] processingDigest) {
        bytes(processingDigest);
        text(record.system());
        text(record.recordId());
        int32(record.identity().size());
        for (Attribute attribute : ATTRIBUTES) {
            String value = record.identity().get(attribute);
            if (value != null) {
                text(attribute.key());
                text(value);
            }
        }
        Map<String, String> metrics = record.metrics().size() > 1 ? new TreeMap<>(record.metrics()) : record.metrics();
        int32(metrics.size());
        for (Map.Entry<String, String> metric : metrics.entrySet()) {
            text(metric.getKey());
            text(metric.getValue());
        }
        int32(record.consents().size());
        for (ConsentSignal c : record.consents()) {
            text(c.purpose());
            text(c.status() == null ? null : c.status().name());
            instant(c.occurredAt());
            text(c.evidence());
        }
        int32(record.transactions().size());
        for (Transaction t : record.transactions()) {
            text(t.id());
            date(t.date());
            // the decimal as written, scale included (10.0 and 10.00 are two forms), as before
            text(t.amount() == null ? null : t.amount().toString());
            text(t.currency());
        }
        int32(record.events().size());
        for (EngagementEvent e : record.events()) {
            text(e.id());
            text(e.type());
            instant(e.occurredAt());
        }
    }

    /** A value as its UTF-8 length and bytes; none as length -1. */
    private void text(String value) {
        if (value == null) {
            int32(-1);
            return;
        }
        int n = value.length();
        room(4 + n);
        int start = length;
        length += 4;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) { // not ASCII: the bytes Java's encoder gives, in place of those written so far
                length = start;
                byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                int32(utf8.length);
                bytes(utf8);
                return;
            }
            buffer[length++] = (byte) c;
        }
        putInt(start, n);
    }

    /** An instant as its seconds and nanoseconds since the epoch, after a byte saying whether there is one. */
    private void instant(Instant at) {
        room(13);
        buffer[length++] = (byte) (at == null ? 0 : 1);
        if (at != null) {
            int64(at.getEpochSecond());
            int32(at.getNano());
        }
    }

    private void date(LocalDate day) {
        room(9);
        buffer[length++] = (byte) (day == null ? 0 : 1);
        if (day != null) {
            int64(day.toEpochDay());
        }
    }

    private void bytes(byte[] value) {
        room(value.length);
        System.arraycopy(value, 0, buffer, length, value.length);
        length += value.length;
    }

    private void int32(int value) {
        room(4);
        putInt(length, value);
        length += 4;
    }

    private void int64(long value) {
        int32((int) (value >>> 32));
        int32((int) value);
    }

    private void putInt(int at, int value) {
        buffer[at] = (byte) (value >>> 24);
        buffer[at + 1] = (byte) (value >>> 16);
        buffer[at + 2] = (byte) (value >>> 8);
        buffer[at + 3] = (byte) value;
    }

    private void room(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
