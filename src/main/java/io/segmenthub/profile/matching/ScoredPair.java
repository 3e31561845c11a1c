package io.segmenthub.profile.matching;

/** A candidate pair with its Fellegi-Sunter match weight and the probability it implies. */
public record ScoredPair(RecordPair pair, double matchWeight, double matchProbability) {
}
