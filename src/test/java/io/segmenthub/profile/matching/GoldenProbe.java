package io.segmenthub.profile.matching;

import java.util.Set;
import org.junit.jupiter.api.Test;

class GoldenProbe {
    @Test
    void probe() {
        run("febrl1", Benchmarks.febrl("febrl_dataset1.csv"), Benchmarks.febrlSettings());
        run("febrl3", Benchmarks.febrl("febrl_dataset3.csv"), Benchmarks.febrlSettings());
        run("fake1000", Benchmarks.fake1000(), Benchmarks.fake1000Settings());
    }

    static void run(String name, Benchmarks.Labelled data, MatchSettings settings) {
        for (boolean uRandom : new boolean[] {true}) {
            long t0 = System.nanoTime();
            MatchResult result = new MatchEngine(settings.withUFromRandomPairs(uRandom)).resolve(data.records());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Set<RecordPair> truth = Evaluation.pairsOf(data.truthClusters());
            Set<RecordPair> cand = new java.util.HashSet<>();
            for (long p : Blocking.candidates(data.records(), settings.blockingRules(), settings.maxBlockSize()).pairs()) {
                cand.add(RecordPair.of(data.records().get(Blocking.left(p)).id(), data.records().get(Blocking.right(p)).id()));
            }
            System.out.println("  blocking " + Evaluation.ofPairs(cand, truth));
            System.out.println(name + " uRandom=" + uRandom + " " + ms + " ms, candidates " + result.candidatePairs()
                    + " skipped " + result.skippedBlocks().size());
            System.out.println("  pairs    " + Evaluation.ofPairs(result.matchedPairs(), truth));
            System.out.println("  clusters " + Evaluation.ofClusters(result.clusters(), data.truthClusters()));
            for (double mt : new double[] {0.5, 0.8, 0.9, 0.95, 0.99}) {
                for (double ct : new double[] {0.3, 0.5, 0.7}) {
                    MatchResult r = new MatchEngine(settings.withThresholds(mt, ct)).resolve(data.records(), result.model());
                    System.out.println("   " + mt + " " + ct + " pairs " + Evaluation.ofPairs(r.matchedPairs(), truth)
                            + " | clusters " + Evaluation.ofClusters(r.clusters(), data.truthClusters()));
                }
            }
        }
    }
}
