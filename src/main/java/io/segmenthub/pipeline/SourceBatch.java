package io.segmenthub.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A slice of one connector's pull, small enough to hold in memory. {@code watermark} is the
 * highest cursor value in the slice; it is committed only after the whole run has persisted.
 * {@code prepared} is what ingest made of the slice ahead of its transaction, on the thread that
 * read it ({@link IngestStage#prepareAhead}); ingest works it out itself when it is absent.
 * {@code lineHashes}, where the source's rows are lines parsed on their own (JSON Lines), holds for
 * each record the keyed hash of its line, {@link #NO_LINE} for none; it is empty otherwise.
 * {@code recognised} are the lines that were not parsed (see {@link RecognisedLine}).
 */
public record SourceBatch(
        String connectorId,
        List<SourceRecord> records,
        List<String> lineHashes,
        List<RecognisedLine> recognised,
        List<ConsentRow> consentRows,
        List<Quarantined> quarantined,
        Optional<String> watermark,
        Optional<IngestStage.Prepared> prepared) {

    public static final String NO_LINE = "";

    public SourceBatch {
        records = List.copyOf(records);
        lineHashes = List.copyOf(lineHashes);
        recognised = List.copyOf(recognised);
        consentRows = List.copyOf(consentRows);
        quarantined = List.copyOf(quarantined);
        if (!lineHashes.isEmpty() && lineHashes.size() != records.size()) {
            throw new IllegalArgumentException("a line hash for each record, or none: " + lineHashes.size() + " for " + records.size());
        }
    }

    public SourceBatch(String connectorId, List<SourceRecord> records, List<ConsentRow> consentRows,
                       List<Quarantined> quarantined, Optional<String> watermark) {
        this(connectorId, records, List.of(), List.of(), consentRows, quarantined, watermark, Optional.empty());
    }

    SourceBatch with(IngestStage.Prepared work) {
        return new SourceBatch(connectorId, records, lineHashes, recognised, consentRows, quarantined, watermark, Optional.of(work));
    }

    /** The keyed hash of the line the record at {@code index} was parsed from, if it was parsed from a line of its own. */
    Optional<String> lineHash(int index) {
        return lineHashes.isEmpty() || lineHashes.get(index).equals(NO_LINE) ? Optional.empty() : Optional.of(lineHashes.get(index));
    }

    /**
     * This batch with {@code lines} (some of its recognised lines) parsed and mapped after all, each
     * record in the line's place among the others, so that the rows of one record are coalesced in
     * the order of the source. What was prepared ahead no longer holds and is dropped.
     */
    SourceBatch withParsed(Collection<RecognisedLine> lines) {
        if (lines.isEmpty()) {
            return this;
        }
        Set<RecognisedLine> parsing = new HashSet<>(lines);
        Map<RecognisedLine, SourceBatch> parsed = new HashMap<>();
        recognised.stream().filter(parsing::contains).forEach(line -> parsed.put(line, line.parse().get()));
        // the lines left recognised keep their places: after the records they followed, and those of the lines parsed before them
        List<RecognisedLine> still = new ArrayList<>();
        int recordsBefore = 0;
        for (RecognisedLine line : recognised) {
            if (parsed.containsKey(line)) {
                recordsBefore += parsed.get(line).records().size();
            } else {
                still.add(new RecognisedLine(line.ref(), line.recordId(), line.hash(), line.before() + recordsBefore, line.parse()));
            }
        }
        List<RecognisedLine> inOrder = recognised.stream().filter(parsed::containsKey).toList();
        List<SourceRecord> allRecords = new ArrayList<>();
        List<String> allHashes = new ArrayList<>();
        List<ConsentRow> allConsents = new ArrayList<>(consentRows);
        List<Quarantined> allQuarantined = new ArrayList<>(quarantined);
        int next = 0;
        for (int i = 0; i <= records.size(); i++) {
            while (next < inOrder.size() && inOrder.get(next).before() == i) {
                SourceBatch line = parsed.get(inOrder.get(next++));
                allRecords.addAll(line.records());
                IntStream.range(0, line.records().size()).forEach(r -> allHashes.add(line.lineHash(r).orElse(NO_LINE)));
                allConsents.addAll(line.consentRows());
                allQuarantined.addAll(line.quarantined());
            }
            if (i < records.size()) {
                allRecords.add(records.get(i));
                allHashes.add(lineHash(i).orElse(NO_LINE));
            }
        }
        return new SourceBatch(connectorId, allRecords, allHashes, still, allConsents, allQuarantined, watermark, Optional.empty());
    }

    public int size() {
        return records.size() + recognised.size() + consentRows.size() + quarantined.size();
    }
}
