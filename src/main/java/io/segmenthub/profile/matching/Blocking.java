package io.segmenthub.profile.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Candidate pairs: the union over blocking rules of the pairs of records sharing a key, each pair
 * once. Pairs are encoded as {@code (i << 32) | j} with {@code i < j} indices into the record list.
 */
final class Blocking {

    record Candidates(long[] pairs, List<SkippedBlock> skipped) {
    }

    private Blocking() {
    }

    static Candidates candidates(List<MatchRecord> records, List<BlockingRule> rules, int maxBlockSize) {
        return candidates(records, rules, maxBlockSize, Sources.DEDUPLICATE);
    }

    /** Only pairs whose two records come from different sources when {@code sources} says linkage. */
    static Candidates candidates(List<MatchRecord> records, List<BlockingRule> rules, int maxBlockSize,
                                 Sources sources) {
        long[] pairs = new long[1024];
        int count = 0;
        List<SkippedBlock> skipped = new ArrayList<>();
        for (BlockingRule rule : rules) {
            Map<String, List<Integer>> blocks = new HashMap<>();
            for (int i = 0; i < records.size(); i++) {
                for (String key : rule.keys().apply(records.get(i))) {
                    blocks.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                }
            }
            for (List<Integer> block : blocks.values()) {
                if (block.size() > maxBlockSize) {
                    skipped.add(new SkippedBlock(rule.name(), block.size()));
                    continue;
                }
                for (int a = 0; a < block.size(); a++) {
                    for (int b = a + 1; b < block.size(); b++) {
                        int i = Math.min(block.get(a), block.get(b));
                        int j = Math.max(block.get(a), block.get(b));
                        if (!sources.comparable(i, j)) {
                            continue;
                        }
                        if (count == pairs.length) {
                            pairs = Arrays.copyOf(pairs, pairs.length + (pairs.length >> 1));
                        }
                        pairs[count++] = ((long) i << 32) | j;
                    }
                }
            }
            // rules find many of the same pairs: keep each once before the next rule adds more
            count = sortUnique(pairs, count);
        }
        skipped.sort(java.util.Comparator.comparing(SkippedBlock::rule).thenComparing(SkippedBlock::size));
        return new Candidates(Arrays.copyOf(pairs, count), List.copyOf(skipped));
    }

    /** Sorts {@code pairs[0, count)} (on both cores) and moves each value's first copy to the front; returns how many. */
    private static int sortUnique(long[] pairs, int count) {
        Arrays.parallelSort(pairs, 0, count);
        int unique = 0;
        for (int k = 0; k < count; k++) {
            if (k == 0 || pairs[k] != pairs[k - 1]) {
                pairs[unique++] = pairs[k];
            }
        }
        return unique;
    }

    static int left(long pair) {
        return (int) (pair >>> 32);
    }

    static int right(long pair) {
        return (int) pair;
    }
}
