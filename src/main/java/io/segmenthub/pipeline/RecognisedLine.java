package io.segmenthub.pipeline;

import java.util.function.Supplier;

/**
 * A line of a pull that was not parsed, because its keyed hash is the one a stored record was last
 * pulled with ({@code recordId}, as stored: pseudonymised where the connector pseudonymises): the
 * same bytes under the same mapping and processing make the same record. Ingest takes it as before
 * only once it knows no earlier batch of the pull stored that record anew and no other line of its
 * batch belongs to it; otherwise {@code parse} gives the line parsed and mapped after all, as a batch
 * of one row, which takes the line's place: after the batch's first {@code before} records.
 */
public record RecognisedLine(String ref, String recordId, String hash, int before, Supplier<SourceBatch> parse) {
}
