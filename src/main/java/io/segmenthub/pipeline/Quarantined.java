package io.segmenthub.pipeline;

/**
 * A source row that could not be mapped. {@code ref} locates it without personal data
 * (line number, record id); {@code payload} is the raw row, which the store only keeps sealed.
 */
public record Quarantined(String ref, String reason, String payload) {
}
