package io.segmenthub.profile.matching;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The outcome of one matching run.
 *
 * @param candidatePairs how many distinct pairs blocking produced
 * @param skippedBlocks  blocks over the size cap, left out (one warning each)
 * @param matches        candidate pairs at or above the match threshold, strongest first
 * @param clusters       entities as record ids (singletons included), each sorted, ordered by first record
 */
public record MatchResult(FellegiSunterModel model, long candidatePairs, List<SkippedBlock> skippedBlocks,
                          List<ScoredPair> matches, List<List<String>> clusters) {

    public MatchResult {
        skippedBlocks = List.copyOf(skippedBlocks);
        matches = List.copyOf(matches);
        clusters = clusters.stream().map(List::copyOf).toList();
    }

    public Set<RecordPair> matchedPairs() {
        return matches.stream().map(ScoredPair::pair).collect(Collectors.toSet());
    }
}
