package io.segmenthub.profile.matching;

/**
 * A block left out because it held more records than the configured cap (a placeholder e-mail, a
 * default birth date, a very common name). Refers to the rule only: the key may be personal data.
 */
public record SkippedBlock(String rule, int size) {
}
