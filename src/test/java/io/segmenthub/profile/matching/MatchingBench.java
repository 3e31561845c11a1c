package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The matching benchmark: runs the resolver on the public FEBRL and Splink data sets and on
 * synthetic people, and prints per data set pairwise precision, recall and F1 (of the matched
 * pairs, and of the pairs implied by the clusters), resolver time, records per second and peak heap.
 * Weights are learned by EM on each data set without its labels; the labels only score the result.
 * Besides wall time, the process CPU time of the first run is printed: on a shared machine it shows
 * the work done, where wall time also counts the wait for a core.
 *
 * <p>Not part of the normal test suite (the name ends in {@code Bench}); run it with
 * {@code mvn -o -Pbench test} (see {@code docs/benchmarks.md}). The data folder is
 * {@code -Dbench.data=...}, by default {@code ../shared/data} relative to the repository.
 * {@code -Dbench.synthetic=N} sets the size of the synthetic set (default 1,000,000; 0 skips it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MatchingBench {

    /** One row of the printed table. */
    record Row(String dataSet, int records, long truePairs, Evaluation pairs, Evaluation clusters, double coldSeconds,
               double warmSeconds, double cpuSeconds, long peakHeapBytes, long candidatePairs) {
    }

    private static final List<Row> ROWS = new ArrayList<>();
    private static Path data;

    @BeforeAll
    static void locateData() {
        data = dataFolder(System.getProperty("bench.data", "../shared/data"));
    }

    /** The benchmark data folder, or a message saying where it was looked for and how to point elsewhere. */
    static Path dataFolder(String configured) {
        Path folder = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isDirectory(folder.resolve("febrl")) || !Files.isDirectory(folder.resolve("splink"))) {
            throw new IllegalStateException("benchmark data not found: " + folder
                    + " has no febrl/ and splink/ folders; set -Dbench.data=/path/to/data (see docs/benchmarks.md)");
        }
        return folder;
    }

    @AfterAll
    static void printTable() {
        System.out.println(table(ROWS));
    }

    @Test
    @Order(1)
    void febrl1() {
        Benchmarks.Labelled set = febrl("febrl_dataset1.csv");
        measure("FEBRL 1", set, () -> new MatchEngine(Benchmarks.febrlSettings()).resolve(set.records()), 3);
    }

    @Test
    @Order(2)
    void febrl2() {
        Benchmarks.Labelled set = febrl("febrl_dataset2.csv");
        measure("FEBRL 2", set, () -> new MatchEngine(Benchmarks.febrlSettings()).resolve(set.records()), 3);
    }

    @Test
    @Order(3)
    void febrl3() {
        Benchmarks.Labelled set = febrl("febrl_dataset3.csv");
        Row row = measure("FEBRL 3", set, () -> new MatchEngine(Benchmarks.febrlSettings()).resolve(set.records()), 5);
        assertThat(row.truePairs()).isEqualTo(6538);
    }

    @Test
    @Order(4)
    void febrl4Linkage() {
        Benchmarks.Labelled a = febrl("febrl_dataset4a.csv");
        Benchmarks.Labelled b = febrl("febrl_dataset4b.csv");
        List<MatchRecord> all = new ArrayList<>(a.records());
        all.addAll(b.records());
        Map<String, String> entityOf = new LinkedHashMap<>(a.entityOf());
        entityOf.putAll(b.entityOf());
        Benchmarks.Labelled both = new Benchmarks.Labelled(all, entityOf);
        Row row = measure("FEBRL 4a × 4b (linkage)", both,
                () -> new MatchEngine(Benchmarks.febrlSettings()).link(a.records(), b.records()), 3);
        assertThat(row.truePairs()).isEqualTo(5000);
    }

    @Test
    @Order(5)
    void splinkFake1000() throws IOException {
        Benchmarks.Labelled set = Benchmarks.fake1000(Files.readAllLines(file("splink/fake_1000.csv")));
        measure("Splink fake_1000", set, () -> new MatchEngine(Benchmarks.fake1000Settings()).resolve(set.records()), 3);
    }

    @Test
    @Order(6)
    void splinkHistorical50k() throws IOException {
        Benchmarks.Labelled set = historical50k(file("splink/historical_50k.csv"));
        Row row = measure("Splink historical_50k", set,
                () -> new MatchEngine(Benchmarks.historicalSettings()).resolve(set.records()), 1);
        assertThat(row.truePairs()).isEqualTo(303_961);
    }

    @Test
    @Order(7)
    void syntheticPeople() {
        synthetic("", SyntheticPeople.settings());
    }

    /** The same synthetic people under the hub's own settings ({@code ProbabilisticLinks.settings()}, no engine guard). */
    @Test
    @Order(8)
    void syntheticPeopleHubSettings() {
        synthetic(", hub's settings", io.segmenthub.profile.ProbabilisticLinks.settings());
    }

    /** {@code bench.synthetic} synthetic people (none when 0) resolved with {@code settings}. */
    private static void synthetic(String label, MatchSettings settings) {
        int size = Integer.getInteger("bench.synthetic", 1_000_000);
        if (size <= 0) {
            return;
        }
        SyntheticPeople.Generated people = new SyntheticPeople(2026L).generate(size);
        Benchmarks.Labelled set = new Benchmarks.Labelled(people.records(), people.personOf());
        measure(String.format(Locale.ROOT, "synthetic people (%,d)%s", size, label), set,
                () -> new MatchEngine(settings).resolve(set.records()), 1);
    }

    private static Benchmarks.Labelled febrl(String name) {
        try {
            return Benchmarks.febrl(Files.readAllLines(file("febrl/" + name)), name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    private static Path file(String relative) {
        Path path = data.resolve(relative);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("benchmark file missing: " + path);
        }
        return path;
    }

    /** historical_50k as converted from Splink's parquet: quoted CSV, UTF-8, empty field = null. */
    static Benchmarks.Labelled historical50k(Path path) throws IOException {
        List<MatchRecord> records = new ArrayList<>();
        Map<String, String> entityOf = new LinkedHashMap<>();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                Map<String, String> fields = new LinkedHashMap<>();
                for (String column : List.of("first_name", "surname", "dob", "birth_place", "postcode_fake", "gender",
                        "occupation")) {
                    fields.put(column, row.get(column).strip().toLowerCase(Locale.ROOT));
                }
                records.add(new MatchRecord(row.get("unique_id"), fields));
                entityOf.put(row.get("unique_id"), row.get("cluster"));
            }
        }
        return new Benchmarks.Labelled(records, entityOf);
    }

    /**
     * Runs the resolver {@code runs} times; the first run's time is the cold figure (a fresh JVM's
     * JIT), the best of the others the warm one (a hub that has resolved before). Quality is the
     * same every run; peak heap is the first run's.
     */
    private static Row measure(String name, Benchmarks.Labelled set, Supplier<MatchResult> resolver, int runs) {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        MatchResult result = resolver.get();
        double cold = (System.nanoTime() - start) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        double warm = Double.NaN;
        for (int r = 1; r < runs; r++) {
            long again = System.nanoTime();
            resolver.get();
            double seconds = (System.nanoTime() - again) / 1e9;
            warm = Double.isNaN(warm) ? seconds : Math.min(warm, seconds);
        }
        var truthClusters = set.truthClusters();
        var truthPairs = Evaluation.pairsOf(truthClusters);
        Evaluation pairs = Evaluation.ofPairs(result.matchedPairs(), truthPairs);
        Evaluation clusters = Evaluation.ofClusters(result.clusters(), truthClusters);
        Row row = new Row(name, set.records().size(), truthPairs.size(), pairs, clusters, cold, warm, cpu, peak,
                result.candidatePairs());
        System.out.printf(Locale.ROOT, "%s: %,d records, %,d candidate pairs, %,d skipped blocks%n  pairs    %s%n"
                        + "  clusters %s%n  resolver %.2f s cold (%.2f s CPU), %s warm, peak heap %,d MiB%n", name,
                row.records(), row.candidatePairs(), result.skippedBlocks().size(), pairs, clusters, cold, cpu,
                Double.isNaN(warm) ? "-" : String.format(Locale.ROOT, "%.2f s", warm), peak >> 20);
        ROWS.add(row);
        return row;
    }

    /** The Markdown table that docs/benchmarks.md carries. */
    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n| data set | records | true pairs "
                + "| P pairs | R pairs | F1 pairs | P clusters | R clusters | F1 clusters | resolver s (cold) "
                + "| resolver s (warm) | CPU s (cold) | records/s (cold) | peak heap MiB |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT,
                    "| %s | %,d | %,d | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.2f | %s | %.2f | %,.0f | %,d |%n",
                    r.dataSet(), r.records(), r.truePairs(), r.pairs().precision(), r.pairs().recall(), r.pairs().f1(),
                    r.clusters().precision(), r.clusters().recall(), r.clusters().f1(), r.coldSeconds(),
                    Double.isNaN(r.warmSeconds()) ? "–" : String.format(Locale.ROOT, "%.2f", r.warmSeconds()),
                    r.cpuSeconds(), r.records() / r.coldSeconds(), r.peakHeapBytes() >> 20));
        }
        return out.toString();
    }
}
