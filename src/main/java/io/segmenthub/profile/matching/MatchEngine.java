package io.segmenthub.profile.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probabilistic record matching, end to end: blocking, comparison vectors, a Fellegi-Sunter model
 * learned without labels (u from random pairs, m and λ by EM on the candidate pairs, as Splink's
 * {@code estimate_u_using_random_sampling} and {@code estimate_parameters_using_expectation_maximisation}),
 * scoring with term-frequency adjustments, and clustering that does not chain through weak links.
 * Plain Java with no state between calls; the same records and settings give the same result.
 */
public final class MatchEngine {

    private static final Logger log = LoggerFactory.getLogger(MatchEngine.class);

    private final MatchSettings settings;
    /** Indices of the guard's comparisons in {@link MatchSettings#comparisons()}. */
    private final int[] guard;

    public MatchEngine(MatchSettings settings) {
        if (settings.comparisons().size() > 16
                || settings.comparisons().stream().anyMatch(c -> c.levels().size() > 14)) {
            throw new IllegalArgumentException("at most 16 comparisons of at most 14 levels each (a pair's levels are packed in 64 bits)");
        }
        this.settings = settings;
        this.guard = settings.guard().stream().mapToInt(name -> {
            for (int c = 0; c < settings.comparisons().size(); c++) {
                if (settings.comparisons().get(c).name().equals(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(name);
        }).toArray();
    }

    /** Whether the guard keeps a pair apart: every guard comparison present and at its "else" level. */
    boolean guarded(int[] levels) {
        if (guard.length == 0) {
            return false;
        }
        for (int c : guard) {
            if (levels[c] != settings.comparisons().get(c).levels().size() - 1) {
                return false;
            }
        }
        return true;
    }

    private double probability(FellegiSunterModel model, MatchRecord left, MatchRecord right) {
        int[] levels = model.levels(left, right);
        return guarded(levels) ? 0 : FellegiSunterModel.probability(model.matchWeight(levels, left, right));
    }

    /** Learns a model from the records themselves (no labels). */
    public FellegiSunterModel train(List<MatchRecord> records) {
        checkIds(records);
        Blocking.Candidates candidates = Blocking.candidates(records, settings.blockingRules(), settings.maxBlockSize());
        return train(records, codes(records, candidates.chunks()), candidates.count(), Sources.DEDUPLICATE);
    }

    /** Learns a model from the records, then scores and clusters them with it. */
    public MatchResult resolve(List<MatchRecord> records) {
        return resolve(records, null);
    }

    /** Scores and clusters the records with a model learned before (on these or other records). */
    public MatchResult resolve(List<MatchRecord> records, FellegiSunterModel trained) {
        return run(records, Sources.DEDUPLICATE, trained);
    }

    /**
     * Links two sources, each assumed free of duplicates (Splink's {@code link_only}): only pairs
     * with one record from each side are compared, scored and clustered, and two records of one
     * side never end up in one cluster through a record of the other. The model is learned by EM on
     * the cross-source candidate pairs, u from random cross-source pairs. Record ids must be unique
     * over both sides.
     */
    public MatchResult link(List<MatchRecord> left, List<MatchRecord> right) {
        List<MatchRecord> records = new ArrayList<>(left.size() + right.size());
        records.addAll(left);
        records.addAll(right);
        return run(records, new Sources(left.size()), null);
    }

    /**
     * Per candidate pair only its 8-byte pair and its 8-byte comparison pattern are held, and after
     * scoring only the pairs at or above the match threshold: what a million records cost is the
     * candidate pairs at 16 bytes each, not a level array and two doubles per pair.
     */
    private MatchResult run(List<MatchRecord> records, Sources sources, FellegiSunterModel trained) {
        checkIds(records);
        Blocking.Candidates candidates = Blocking.candidates(records, settings.blockingRules(), settings.maxBlockSize(),
                sources);
        if (!candidates.skipped().isEmpty()) {
            log.warn("matching skipped {} blocks over the cap of {} records: {}", candidates.skipped().size(),
                    settings.maxBlockSize(), candidates.skipped());
        }
        long[][] chunks = candidates.chunks();
        long[][] codes = codes(records, chunks);
        FellegiSunterModel model = trained != null ? trained : train(records, codes, candidates.count(), sources);

        // score chunk by chunk on all cores, keeping only the pairs at or above the match threshold
        Edges[] scored = IntStream.range(0, chunks.length).parallel()
                .mapToObj(c -> edges(model, records, chunks[c], codes[c]))
                .toArray(Edges[]::new);
        Edges edges = Edges.concat(scored);
        List<ScoredPair> matches = new ArrayList<>(edges.pairs.length);
        for (int k = 0; k < edges.pairs.length; k++) {
            matches.add(new ScoredPair(RecordPair.of(records.get(Blocking.left(edges.pairs[k])).id(),
                    records.get(Blocking.right(edges.pairs[k])).id()), edges.weights[k], edges.probabilities[k]));
        }
        matches.sort(Comparator.comparingDouble(ScoredPair::matchWeight).reversed()
                .thenComparing(p -> p.pair().left()).thenComparing(p -> p.pair().right()));

        List<List<String>> clusters = Clustering.cluster(records.size(), edges.pairs, edges.probabilities,
                        settings.matchThreshold(), settings.clusterThreshold(),
                        (i, j) -> sources.comparable(i, j) ? probability(model, records.get(i), records.get(j)) : 0)
                .stream().map(c -> c.stream().map(i -> records.get(i).id()).sorted().toList()).toList();
        log.info("matching: {} records, {} candidate pairs (per blocking rule {}), {} skipped blocks, {} matches, {} entities",
                records.size(), candidates.count(), Arrays.toString(candidates.perRule()), candidates.skipped().size(),
                matches.size(), clusters.size());
        return new MatchResult(model, candidates.count(), candidates.skipped(), matches, clusters);
    }

    /** Scored pairs at or above the match threshold. */
    private record Edges(long[] pairs, double[] weights, double[] probabilities) {

        static Edges concat(Edges[] parts) {
            int n = 0;
            for (Edges e : parts) {
                n += e.pairs.length;
            }
            Edges all = new Edges(new long[n], new double[n], new double[n]);
            int at = 0;
            for (Edges e : parts) {
                System.arraycopy(e.pairs, 0, all.pairs, at, e.pairs.length);
                System.arraycopy(e.weights, 0, all.weights, at, e.pairs.length);
                System.arraycopy(e.probabilities, 0, all.probabilities, at, e.pairs.length);
                at += e.pairs.length;
            }
            return all;
        }
    }

    private Edges edges(FellegiSunterModel model, List<MatchRecord> records, long[] pairs, long[] codes) {
        int k = settings.comparisons().size();
        int n = 0;
        long[] kept = new long[16];
        double[] weights = new double[16];
        double[] probabilities = new double[16];
        for (int p = 0; p < pairs.length; p++) {
            int[] levels = decode(codes[p], k);
            if (guarded(levels)) {
                continue;
            }
            double weight = model.matchWeight(levels, records.get(Blocking.left(pairs[p])), records.get(Blocking.right(pairs[p])));
            double probability = FellegiSunterModel.probability(weight);
            if (probability < settings.matchThreshold()) {
                continue;
            }
            if (n == kept.length) {
                kept = Arrays.copyOf(kept, n * 2);
                weights = Arrays.copyOf(weights, n * 2);
                probabilities = Arrays.copyOf(probabilities, n * 2);
            }
            kept[n] = pairs[p];
            weights[n] = weight;
            probabilities[n++] = probability;
        }
        return new Edges(Arrays.copyOf(kept, n), Arrays.copyOf(weights, n), Arrays.copyOf(probabilities, n));
    }

    private FellegiSunterModel train(List<MatchRecord> records, long[][] codes, long candidatePairs, Sources sources) {
        List<Comparison> comparisons = settings.comparisons();
        int k = comparisons.size();
        double[][] uRandom = randomPairU(records, comparisons, sources);
        double[][] m0 = new double[k][];
        for (int c = 0; c < k; c++) {
            m0[c] = initialM(comparisons.get(c).levels().size());
        }
        // EM needs only the distinct patterns and their counts; in code order, so the sums do not depend on pair order
        Map<Long, Long> counts = new TreeMap<>();
        Arrays.stream(codes).parallel().map(chunk -> {
            Map<Long, long[]> local = new HashMap<>();
            for (long code : chunk) {
                local.computeIfAbsent(code, x -> new long[1])[0]++;
            }
            return local;
        }).toList().forEach(local -> local.forEach((code, count) -> counts.merge(code, count[0], Long::sum)));
        int[][] patterns = new int[counts.size()][];
        long[] n = new long[counts.size()];
        int p = 0;
        for (var e : counts.entrySet()) {
            patterns[p] = decode(e.getKey(), k);
            n[p++] = e.getValue();
        }
        if (patterns.length == 0) {
            throw new IllegalArgumentException("blocking produced no candidate pairs to learn from");
        }
        ExpectationMaximisation.Estimate estimate = ExpectationMaximisation.fit(patterns, n, m0, uRandom, 0.1,
                settings.uFromRandomPairs(), settings.maxIterations(), 1e-7);
        // EM's λ is the match rate among candidate pairs; the model keeps the rate among all pairs
        // (Splink's probability_two_random_records_match), assuming blocking finds nearly every match,
        // so that pairs blocking did not produce can be scored with the same model.
        double allPairs = sources.allPairs(records.size());
        double lambda = Math.min(1 - 1e-6, Math.max(1e-15, estimate.lambda() * candidatePairs / allPairs));
        return new FellegiSunterModel(comparisons, estimate.m(), estimate.u(), lambda,
                estimate.iterations(), FellegiSunterModel.termFrequencies(records, comparisons));
    }

    /** u per level from random record pairs (almost all non-matches), lightly smoothed so no level has u = 0. */
    private double[][] randomPairU(List<MatchRecord> records, List<Comparison> comparisons, Sources sources) {
        int k = comparisons.size();
        long[][] counts = new long[k][];
        for (int c = 0; c < k; c++) {
            counts[c] = new long[comparisons.get(c).levels().size()];
        }
        int size = records.size();
        long allPairs = (long) sources.allPairs(size);
        if (allPairs >= 1) {
            int draws = (int) Math.min(settings.randomPairs(), allPairs);
            SplittableRandom random = new SplittableRandom(settings.seed());
            int[][] drawn = new int[draws][2];
            for (int d = 0; d < draws; d++) {
                if (sources.linkage()) {
                    drawn[d][0] = random.nextInt(sources.split());
                    drawn[d][1] = sources.split() + random.nextInt(size - sources.split());
                    continue;
                }
                int i = random.nextInt(size);
                int j = random.nextInt(size - 1);
                drawn[d][0] = i;
                drawn[d][1] = j >= i ? j + 1 : j;
            }
            int[][] levels = new int[draws][];
            IntStream.range(0, draws).parallel().forEach(d -> {
                MatchRecord a = records.get(drawn[d][0]);
                MatchRecord b = records.get(drawn[d][1]);
                int[] l = new int[k];
                for (int c = 0; c < k; c++) {
                    l[c] = comparisons.get(c).level(a, b);
                }
                levels[d] = l;
            });
            for (int[] l : levels) {
                for (int c = 0; c < k; c++) {
                    if (l[c] >= 0) {
                        counts[c][l[c]]++;
                    }
                }
            }
        }
        double[][] u = new double[k][];
        for (int c = 0; c < k; c++) {
            long total = 0;
            for (long x : counts[c]) {
                total += x;
            }
            int levels = counts[c].length;
            u[c] = new double[levels];
            for (int l = 0; l < levels; l++) {
                u[c][l] = total == 0 ? 1.0 / levels : (counts[c][l] + 0.5) / (total + 0.5 * levels);
            }
        }
        return u;
    }

    /** Starting m: most matches agree at the top level, fewer at each level down. */
    static double[] initialM(int levels) {
        double[] m = new double[levels];
        double sum = 0;
        for (int l = 0; l < levels; l++) {
            m[l] = Math.pow(0.25, l);
            sum += m[l];
        }
        for (int l = 0; l < levels; l++) {
            m[l] /= sum;
        }
        return m;
    }

    /** Each pair's comparison levels packed 4 bits a comparison (read back by {@link #decode}), chunk by chunk on all cores. */
    private long[][] codes(List<MatchRecord> records, long[][] chunks) {
        List<Comparison> comparisons = settings.comparisons();
        return IntStream.range(0, chunks.length).parallel().mapToObj(c -> {
            long[] pairs = chunks[c];
            long[] codes = new long[pairs.length];
            for (int p = 0; p < pairs.length; p++) {
                MatchRecord a = records.get(Blocking.left(pairs[p]));
                MatchRecord b = records.get(Blocking.right(pairs[p]));
                long code = 0;
                for (Comparison comparison : comparisons) {
                    code = (code << 4) | (comparison.level(a, b) + 1);
                }
                codes[p] = code;
            }
            return codes;
        }).toArray(long[][]::new);
    }

    private static int[] decode(long code, int k) {
        int[] levels = new int[k];
        for (int c = k - 1; c >= 0; c--) {
            levels[c] = (int) (code & 0xF) - 1;
            code >>>= 4;
        }
        return levels;
    }

    private static void checkIds(List<MatchRecord> records) {
        Set<String> seen = new HashSet<>(records.size() * 2);
        for (MatchRecord record : records) {
            if (!seen.add(record.id())) {
                throw new IllegalArgumentException("record id appears twice: " + record.id());
            }
        }
    }
}
