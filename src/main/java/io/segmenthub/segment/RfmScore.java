package io.segmenthub.segment;

import java.util.Objects;

/** One profile's recency, frequency and monetary scores (each 1 to 5) and what they classify as. */
public record RfmScore(int recency, int frequency, int monetary, String segment, ValueType valueType) {

    public RfmScore {
        requireScore("recency", recency);
        requireScore("frequency", frequency);
        requireScore("monetary", monetary);
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(valueType, "valueType");
    }

    /** The three scores as one string, R then F then M: {@code "545"}. */
    public String code() {
        return "" + recency + frequency + monetary;
    }

    private static void requireScore(String dimension, int score) {
        if (score < 1 || score > 5) {
            throw new IllegalArgumentException(dimension + " score must be 1 to 5, got " + score);
        }
    }
}
