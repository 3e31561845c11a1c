package io.segmenthub.profile.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Candidate pairs: the union over blocking rules of the pairs of records sharing a key, each pair
 * once. Pairs are encoded as {@code (i << 32) | j} with {@code i < j} indices into the record list.
 *
 * <p>A pair is emitted only by the first rule, and within it the first block, that holds both
 * records (Splink's way of keeping rules from repeating each other's pairs), so no set of all the
 * pairs seen is needed to drop repeats: memory is the pairs themselves, 8 bytes each, held in
 * chunks rather than one array that would be copied as it grew. Blocks are paired on all cores.
 */
final class Blocking {

    /** Blocks paired by one task: many, so that both cores stay busy, few, so each chunk is worth its array. */
    private static final int TASKS_PER_RULE = 64;
    private static final long[] NONE = new long[0];

    /**
     * @param chunks   the pairs, in chunks; every pair appears once over all chunks
     * @param perRule  how many pairs each rule added that no earlier rule had found
     */
    record Candidates(long[][] chunks, long count, long[] perRule, List<SkippedBlock> skipped) {

        /** All pairs in one array: for tests and small sets. */
        long[] pairs() {
            long[] all = new long[Math.toIntExact(count)];
            int at = 0;
            for (long[] chunk : chunks) {
                System.arraycopy(chunk, 0, all, at, chunk.length);
                at += chunk.length;
            }
            return all;
        }
    }

    /**
     * One rule's blocks: for each record the blocks it is in (ascending), for each block its
     * records (ascending). Blocks over the cap and blocks of one record are left out of both.
     */
    private record Index(int[] recordStart, int[] recordBlocks, int[] blockStart, int[] blockMembers) {

        int blocks() {
            return blockStart.length - 1;
        }

        /** The first block holding both records, or -1. */
        int firstShared(int i, int j) {
            int a = recordStart[i];
            int aEnd = recordStart[i + 1];
            int b = recordStart[j];
            int bEnd = recordStart[j + 1];
            while (a < aEnd && b < bEnd) {
                int x = recordBlocks[a];
                int y = recordBlocks[b];
                if (x == y) {
                    return x;
                }
                if (x < y) {
                    a++;
                } else {
                    b++;
                }
            }
            return -1;
        }
    }

    private Blocking() {
    }

    static Candidates candidates(List<MatchRecord> records, List<BlockingRule> rules, int maxBlockSize) {
        return candidates(records, rules, maxBlockSize, Sources.DEDUPLICATE);
    }

    /** Only pairs whose two records come from different sources when {@code sources} says linkage. */
    static Candidates candidates(List<MatchRecord> records, List<BlockingRule> rules, int maxBlockSize,
                                 Sources sources) {
        List<SkippedBlock> skipped = new ArrayList<>();
        Index[] indexes = new Index[rules.size()];
        List<long[]> chunks = new ArrayList<>();
        long[] perRule = new long[rules.size()];
        long count = 0;
        for (int r = 0; r < rules.size(); r++) {
            indexes[r] = index(records, rules.get(r), maxBlockSize, skipped);
            Index index = indexes[r];
            int rule = r;
            int blocks = index.blocks();
            int step = Math.max(1, (blocks + TASKS_PER_RULE - 1) / TASKS_PER_RULE);
            long[][] found = IntStream.range(0, (blocks + step - 1) / step).parallel()
                    .mapToObj(t -> pairs(indexes, rule, t * step, Math.min(blocks, (t + 1) * step), sources))
                    .toArray(long[][]::new);
            for (long[] chunk : found) {
                if (chunk.length > 0) {
                    chunks.add(chunk);
                    perRule[r] += chunk.length;
                }
            }
            count += perRule[r];
        }
        skipped.sort(Comparator.comparing(SkippedBlock::rule).thenComparing(SkippedBlock::size));
        return new Candidates(chunks.toArray(long[][]::new), count, perRule, List.copyOf(skipped));
    }

    /** The pairs of blocks {@code [from, to)} of rule {@code r} that no earlier rule or block holds. */
    private static long[] pairs(Index[] indexes, int r, int from, int to, Sources sources) {
        Index index = indexes[r];
        long[] out = NONE;
        int n = 0;
        for (int block = from; block < to; block++) {
            for (int a = index.blockStart[block]; a < index.blockStart[block + 1]; a++) {
                int i = index.blockMembers[a];
                for (int b = a + 1; b < index.blockStart[block + 1]; b++) {
                    int j = index.blockMembers[b];
                    if (!sources.comparable(i, j) || index.firstShared(i, j) != block || pairedBefore(indexes, r, i, j)) {
                        continue;
                    }
                    if (n == out.length) {
                        out = Arrays.copyOf(out, Math.max(16, n + (n >> 1)));
                    }
                    out[n++] = ((long) i << 32) | j;
                }
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static boolean pairedBefore(Index[] indexes, int rule, int i, int j) {
        for (int q = 0; q < rule; q++) {
            if (indexes[q].firstShared(i, j) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** A rule's keys numbered in first-seen order: for each record its key numbers, for each number its records. */
    private record Keys(int[] recordStart, int[] recordKeys, int[] sizes, int count) {

        static Keys of(List<MatchRecord> records, BlockingRule rule) {
            int n = records.size();
            Map<String, Integer> ids = new HashMap<>();
            int[] sizes = new int[64];
            int[] recordStart = new int[n + 1];
            int[] recordKeys = new int[n];
            int entries = 0;
            // the keys themselves (phonetic codes, romanised names) on every core, numbered here in record order
            List<Set<String>> keysOf = records.parallelStream().map(rule.keys()).toList();
            for (int i = 0; i < n; i++) {
                recordStart[i] = entries;
                for (String key : keysOf.get(i)) {
                    int id = ids.computeIfAbsent(key, k -> ids.size());
                    if (id == sizes.length) {
                        sizes = Arrays.copyOf(sizes, sizes.length * 2);
                    }
                    sizes[id]++;
                    if (entries == recordKeys.length) {
                        recordKeys = Arrays.copyOf(recordKeys, entries + (entries >> 1) + 16);
                    }
                    recordKeys[entries++] = id;
                }
            }
            recordStart[n] = entries;
            return new Keys(recordStart, recordKeys, sizes, ids.size());
        }
    }

    private static Index index(List<MatchRecord> records, BlockingRule rule, int maxBlockSize,
                               List<SkippedBlock> skipped) {
        int n = records.size();
        Keys all = Keys.of(records, rule);
        int[] sizes = all.sizes();
        int keys = all.count();
        int[] recordStart = all.recordStart();
        int[] recordBlocks = all.recordKeys();

        // keep blocks that can pair (two records or more, not over the cap), numbered in first-seen order
        int[] kept = new int[keys];
        int blocks = 0;
        for (int id = 0; id < keys; id++) {
            if (sizes[id] > maxBlockSize) {
                skipped.add(new SkippedBlock(rule.name(), sizes[id]));
            }
            kept[id] = sizes[id] >= 2 && sizes[id] <= maxBlockSize ? blocks++ : -1;
        }
        int[] blockStart = new int[blocks + 1];
        for (int id = 0; id < keys; id++) {
            if (kept[id] >= 0) {
                blockStart[kept[id] + 1] = sizes[id];
            }
        }
        for (int b = 0; b < blocks; b++) {
            blockStart[b + 1] += blockStart[b];
        }
        int[] blockMembers = new int[blockStart[blocks]];
        int[] fill = Arrays.copyOf(blockStart, blocks);
        int[] start = new int[n + 1];
        int[] compact = new int[blockStart[blocks]];
        int at = 0;
        for (int i = 0; i < n; i++) {
            start[i] = at;
            int first = at;
            for (int e = recordStart[i]; e < recordStart[i + 1]; e++) {
                int block = kept[recordBlocks[e]];
                if (block >= 0) {
                    blockMembers[fill[block]++] = i;
                    compact[at++] = block;
                }
            }
            // a record's keys are distinct, so its blocks are too; ascending for the merge in firstShared
            Arrays.sort(compact, first, at);
        }
        start[n] = at;
        return new Index(start, compact, blockStart, blockMembers);
    }

    static int left(long pair) {
        return (int) (pair >>> 32);
    }

    static int right(long pair) {
        return (int) pair;
    }
}
