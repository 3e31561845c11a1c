package io.segmenthub.bench;

import io.segmenthub.SegmentHub;
import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole sync, end to end, over a {@link BenchWorld} of {@code bench.pipeline.records} customer
 * records (default 100,000) on the store(s) named by {@code bench.store} ({@code h2},
 * {@code postgres} or {@code both}; PostgreSQL at {@code bench.pg.url}, default the localhost server,
 * in a database {@code segmenthub_bench} made afresh): a first full run, then a run after one record
 * in a hundred changed in every source. Prints per stage the wall time and records per second, and
 * per run the peak heap (sampled every 10 ms) and the store's size on disk; writes the table to
 * {@code target/pipeline-bench.md}.
 *
 * <p>Run with {@code mvn -Pbench test -Dtest=PipelineBench -Dbench.pipeline.records=1000000 -Dbench.store=both}.
 * The hub runs in this JVM (heap capped by the bench profile), with its shipped settings but for the
 * folders; the ERP source is an H2 file in both cases so that only the hub store differs.
 */
class PipelineBench {

    /** Pull and push are wall-clock spans (sources and destinations included); ingest is the part of pull spent storing. */
    private static final List<String> STAGES = List.of("pull", "resolve", "golden", "score", "cluster", "segments", "push");

    @Test
    void fullSyncThenOnePercentChanged() throws Exception {
        int records = Integer.getInteger("bench.pipeline.records", 100_000);
        String stores = System.getProperty("bench.store", "h2");
        Path root = Files.createTempDirectory("segment-hub-bench");
        StringBuilder table = new StringBuilder();
        table.append("| store | run | stage | wall s | source rows/s |\n|---|---|---|---:|---:|\n");
        List<String> summary = new ArrayList<>();
        String counts = "";
        StringBuilder servers = new StringBuilder();
        for (String store : stores.equals("both") ? List.of("h2", "postgres") : List.of(stores)) {
            long started = System.nanoTime();
            BenchWorld world = new BenchWorld(root.resolve("world-" + store), records, 42).write();
            counts = String.format(Locale.ROOT, "%,d identity records (CRM %,d, ERP %,d customers + %,d orders, web %,d, social %,d): %,d source rows",
                    records, world.crm, world.erp, world.orders, world.web, world.social, world.sourceRows());
            System.out.printf(Locale.ROOT, "%nworld: %s, written in %.1f s%n", counts, (System.nanoTime() - started) / 1e9);
            Path data = root.resolve("data-" + store);
            Files.createDirectories(data);
            try (ConfigurableApplicationContext hub = start(world, data, store)) {
                SyncRunner runner = hub.getBean(SyncRunner.class);
                DataSource ds = hub.getBean(DataSource.class);
                if (store.equals("postgres")) {
                    String server = serverSettings(ds);
                    System.out.println("postgres: " + server);
                    servers.append("PostgreSQL: ").append(server).append("\n\n");
                }
                Measured first = measure(runner, "full");
                long firstSize = storeSize(ds, data, store);
                Quality firstQuality = quality(hub, world);
                System.out.println("resolution after the full run (records | true pairs | P | R | F1): " + firstQuality);
                List<Measured> runs = new ArrayList<>(List.of(first));
                summary.add(String.format(Locale.ROOT, "| %s | full | %.1f | %,d | %d | %d | %.0f | %s |", store, first.wallMs / 1000.0,
                        (long) (world.sourceRows() * 1000.0 / first.wallMs), first.peakHeap >> 20, firstSize >> 20, first.profiles,
                        firstQuality));
                // -Dbench.pipeline.reruns=N: N runs one after another, each with another 1 % changed; the later ones show
                // what a hub that has run before takes, its code compiled for these paths by then
                for (int rerun = 1; rerun <= Integer.getInteger("bench.pipeline.reruns", 1); rerun++) {
                    String label = rerun == 1 ? "1 % changed" : "1 % changed, run " + (rerun + 1);
                    long changed = world.change(1);
                    Measured again = measure(runner, label);
                    long againSize = storeSize(ds, data, store);
                    Quality againQuality = quality(hub, world);
                    System.out.println("resolution after the " + label + " run: " + againQuality);
                    runs.add(again);
                    summary.add(String.format(Locale.ROOT, "| %s | %,d rows changed%s | %.1f (%.1f %% of full) | %,d | %d | %d | %.0f | %s |",
                            store, changed, rerun == 1 ? "" : " (run " + (rerun + 1) + ")", again.wallMs / 1000.0,
                            100.0 * again.wallMs / first.wallMs, (long) (changed * 1000.0 / again.wallMs), again.peakHeap >> 20,
                            againSize >> 20, again.profiles, againQuality));
                }
                for (Measured m : runs) {
                    m.stages.forEach((stage, ms) -> table.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %s |%n", store, m.label,
                            stage, ms / 1000.0, ms == 0 ? "" : String.format(Locale.ROOT, "%,d", (long) (world.sourceRows() * 1000.0 / ms)))));
                }
                assertThat(first.profiles).isPositive();
                assertThat(firstQuality.records()).as("stored records found in the truth").isPositive();
            }
        }
        table.insert(0, counts + "\n\n" + servers);
        table.append("\n| store | run | wall s | rows/s | peak heap MiB | store MiB | profiles | records | true pairs | P pairs | R pairs | F1 pairs |"
                + "\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        summary.forEach(s -> table.append(s).append('\n'));
        System.out.println();
        System.out.println(table);
        Files.writeString(Path.of("target", "pipeline-bench.md"), table.toString());
        if (!Boolean.getBoolean("bench.keep")) {
            // a large run leaves gigabytes of sources and stores behind
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private record Measured(String label, long wallMs, long peakHeap, Map<String, Long> stages, double profiles) {
    }

    /**
     * How well the sync resolved people: every pair of stored identity records that share a golden
     * profile, against the pairs that are the same person in the world's truth (the usual pairwise
     * scoring, as in MatchingBench, but of the whole pipeline: deterministic links, the household
     * guard and corroboration included). Records the consent gate kept out are in neither.
     */
    record Quality(long records, long truePairs, long foundPairs, long rightPairs) {

        double precision() {
            return foundPairs == 0 ? 1 : (double) rightPairs / foundPairs;
        }

        double recall() {
            return truePairs == 0 ? 1 : (double) rightPairs / truePairs;
        }

        @Override
        public String toString() {
            double p = precision();
            double r = recall();
            return String.format(Locale.ROOT, "%,d | %,d | %.4f | %.4f | %.4f", records, truePairs, p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
        }
    }

    /** Scores the store's golden profiles against {@link BenchWorld#truth} (after a run, outside its timing). */
    static Quality quality(ConfigurableApplicationContext hub, BenchWorld world) throws IOException {
        BlindIndex blindIndex = hub.getBean(BlindIndex.class);
        Map<String, String> person = new HashMap<>();
        try (var lines = Files.lines(world.truth)) {
            lines.forEach(line -> {
                String[] f = line.split("\t");
                // social handles are personal data: the hub keeps them under a keyed pseudonym, as ingest makes it
                String id = f[0].equals("social") ? "~" + blindIndex.of("record-id", "social/" + f[1]) : f[1];
                person.put(f[0] + "/" + id, f[2]);
            });
        }
        Map<String, Long> byGolden = new HashMap<>();
        Map<String, Long> byPerson = new HashMap<>();
        Map<String, Long> byBoth = new HashMap<>();
        long[] records = {0};
        new JdbcTemplate(hub.getBean(DataSource.class))
                .query("SELECT r.system, r.record_id, g.golden_id FROM source_record r JOIN record_golden g ON g.source_record_id = r.id", rs -> {
                    String who = person.get(rs.getString(1) + "/" + rs.getString(2));
                    if (who == null) {
                        return;
                    }
                    records[0]++;
                    byGolden.merge(rs.getString(3), 1L, Long::sum);
                    byPerson.merge(who, 1L, Long::sum);
                    byBoth.merge(rs.getString(3) + "\u0000" + who, 1L, Long::sum);
                });
        return new Quality(records[0], pairs(byPerson), pairs(byGolden), pairs(byBoth));
    }

    private static long pairs(Map<String, Long> sizes) {
        return sizes.values().stream().mapToLong(n -> n * (n - 1) / 2).sum();
    }

    /** The top of the JVM's class histogram of live objects, taken in-process (no attach, no signal). */
    static String liveHistogram(int lines) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[]{new String[0]}, new String[]{String[].class.getName()});
            return String.join("\n", text.toString().lines().limit(lines + 3).toList());
        } catch (Exception e) {
            return "(no class histogram: " + e + ")";
        }
    }

    private static Measured measure(SyncRunner runner, String label) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        AtomicLong peak = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
        Thread sampler = new Thread(() -> {
            long histogramAt = 0;
            int histograms = 0;
            while (!Thread.currentThread().isInterrupted()) {
                var heap = memory.getHeapMemoryUsage();
                peak.accumulateAndGet(heap.getUsed(), Math::max);
                // near the cap, print what holds the heap (live objects after a full GC), a few times a run
                if (heap.getMax() > 0 && heap.getUsed() > heap.getMax() * 0.9 && histograms < 3
                        && System.nanoTime() - histogramAt > 20_000_000_000L) {
                    histogramAt = System.nanoTime();
                    histograms++;
                    System.out.println("heap near its cap during run " + label + ", live objects:\n" + liveHistogram(25));
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long hubCpu0 = hubCpuNanos();
        long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long gc0 = gcMillis();
        Map<String, Long> threads0 = jvmThreadTicks();
        OptionalLong machineCpu0 = machineCpuTicks();
        long t0 = System.nanoTime();
        LocalTime started = LocalTime.now(ZoneOffset.UTC).withNano(0);
        SyncRun run = runner.run("nightly", "bench");
        long wall = (System.nanoTime() - t0) / 1_000_000;
        LocalTime ended = LocalTime.now(ZoneOffset.UTC).withNano(0);
        double hubCpu = (hubCpuNanos() - hubCpu0) / 1e9;
        double jit = (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0) / 1000.0;
        double gc = (gcMillis() - gc0) / 1000.0;
        Map<String, Long> threads1 = jvmThreadTicks();
        OptionalLong machineCpu1 = machineCpuTicks();
        sampler.interrupt();
        sampler.join();
        Map<String, Long> stages = new LinkedHashMap<>();
        Map<String, Long> took = new TreeMap<>(run.report().stageMillis());
        long known = 0;
        for (String stage : STAGES) {
            if (took.containsKey(stage)) {
                stages.put(stage, took.get(stage));
                known += took.get(stage);
            }
        }
        stages.put("(of pull: ingest)", took.getOrDefault("ingest", 0L));
        stages.put("commit and the rest", Math.max(0, wall - known));
        stages.put("whole run", wall);
        // the clock times let a profiler's or the database's own records of the same minutes be matched to a run
        System.out.printf(Locale.ROOT, "run %s: %.1f s (%s to %s UTC), peak heap %d MiB, stages %s%n", label, wall / 1000.0,
                started, ended, peak.get() >> 20, took);
        // CPU seconds vary less than wall time on a machine whose speed moves: the hub's process, and every process (the database too)
        // the compile time the JVM reports is each compile's elapsed time, waits for a core included; the threads' own CPU is not
        String threadCpu = threads1.isEmpty() ? "" : String.format(Locale.ROOT,
                "; CPU of the JIT's threads %.1f s, of the collector's %.1f s in pauses and %.1f s beside the hub",
                (threads1.getOrDefault("jit", 0L) - threads0.getOrDefault("jit", 0L)) / 100.0,
                (threads1.getOrDefault("gc", 0L) - threads0.getOrDefault("gc", 0L)) / 100.0,
                (threads1.getOrDefault("gc-concurrent", 0L) - threads0.getOrDefault("gc-concurrent", 0L)) / 100.0);
        System.out.printf(Locale.ROOT, "  cpu: hub %.1f s (the JIT compiling %.1f s of it%s), GC pauses %.1f s%s%n", hubCpu, jit, threadCpu, gc,
                machineCpu0.isPresent() && machineCpu1.isPresent()
                ? String.format(Locale.ROOT, ", machine %.1f s (all processes, both cores)", (machineCpu1.getAsLong() - machineCpu0.getAsLong()) / 100.0)
                : "");
        // what the run did: the resolution's scope, the matching's counts, the CLV fit (no personal data in any note)
        run.report().notes().forEach((key, note) -> System.out.printf(Locale.ROOT, "  note %s: %s%n", key, note));
        run.report().connectors().forEach((id, c) -> System.out.printf(Locale.ROOT,
                "  connector %s: %d pulled, %d stored, %d unchanged (%d of them lines recognised without parsing)%n",
                id, c.pulled(), c.stored(), c.unchanged(), c.linesRecognised()));
        return new Measured(label, wall, peak.get(), stages, run.report().profiles().total());
    }

    private static ConfigurableApplicationContext start(BenchWorld world, Path data, String store) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--segmenthub.config-dir=" + world.config,
                "--segmenthub.data-dir=" + data,
                "--segmenthub.keystore=" + data.resolve("keystore.bcfks"),
                "--segmenthub.keystore-password=" + UUID.randomUUID(),
                "--segmenthub.schedules-enabled=false",
                "--server.port=0",
                "--logging.level.io.segmenthub=WARN"));
        String extra = System.getProperty("bench.args", "").trim(); // e.g. to try a store setting: --spring.x=y
        if (!extra.isEmpty()) {
            args.addAll(List.of(extra.split("\\s+")));
        }
        if (System.getProperty("bench.h2.url") != null && store.equals("h2")) {
            // e.g. to measure the shipped WRITE_DELAY=0 against H2's default
            args.add("--spring.datasource.url=" + System.getProperty("bench.h2.url").replace("DATA", data.toAbsolutePath().toString()));
        }
        if (store.equals("postgres")) {
            String admin = System.getProperty("bench.pg.url", "jdbc:postgresql://127.0.0.1:5432/postgres");
            try (Connection c = DriverManager.getConnection(admin, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS segmenthub_bench WITH (FORCE)");
                s.execute("CREATE DATABASE segmenthub_bench");
            }
            args.add("--spring.profiles.active=postgres");
            args.add("--spring.datasource.url=" + admin.substring(0, admin.lastIndexOf('/') + 1) + "segmenthub_bench");
            args.add("--spring.datasource.username=postgres");
            args.add("--spring.datasource.password=");
        }
        return new SpringApplicationBuilder(SegmentHub.class).run(args.toArray(String[]::new));
    }

    /** The server's version and the settings that bear on a bulk load, so that figures say what they were measured on. */
    private static String serverSettings(DataSource ds) throws Exception {
        List<String> settings = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String name : List.of("server_version", "shared_buffers", "max_wal_size", "checkpoint_timeout", "work_mem",
                    "maintenance_work_mem", "synchronous_commit")) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    settings.add(name + " " + rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT datcollate FROM pg_database WHERE datname = current_database()")) {
                rs.next();
                settings.add("collation " + rs.getString(1));
            }
        }
        return String.join(", ", settings);
    }

    private static long storeSize(DataSource ds, Path data, String store) throws Exception {
        if (store.equals("postgres")) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
                rs.next();
                return rs.getLong(1);
            }
        }
        try (var files = Files.list(data)) {
            return files.filter(f -> f.getFileName().toString().startsWith("hub.")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** Time the collectors report for themselves: on JDK 17 their pauses (G1's concurrent marking is not counted). */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
    }

    /** CPU time of this JVM, every thread. */
    private static long hubCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU time in clock ticks (1/100 s) of this JVM's compiler threads ("jit"), the collector's workers ("gc": its pauses, and the
     * parallel collector's whole work) and G1's concurrent threads ("gc-concurrent": marking, refinement), from Linux's
     * /proc/self/task; empty elsewhere. A compiler thread the JVM retires takes its ticks with it (on two cores it keeps one of each).
     */
    private static Map<String, Long> jvmThreadTicks() {
        Map<String, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String group = name.contains("CompilerThre") ? "jit"
                            : name.startsWith("GC Thread") ? "gc"
                            : name.startsWith("G1 ") ? "gc-concurrent" : null;
                    if (group == null) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    // fields after the parenthesised name: state is the 3rd field, utime and stime the 14th and 15th
                    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(group, Long.parseLong(after[11]) + Long.parseLong(after[12]), Long::sum);
                } catch (IOException | RuntimeException threadEnded) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            return Map.of();
        }
        return ticks;
    }

    /** Busy CPU time of the whole machine in clock ticks (1/100 s) from Linux's /proc/stat; empty elsewhere. */
    private static OptionalLong machineCpuTicks() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // user, nice, system, idle, iowait, irq, softirq: busy is all but idle and iowait
            return OptionalLong.of(Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3]) + Long.parseLong(cpu[6])
                    + Long.parseLong(cpu[7]));
        } catch (IOException | RuntimeException notLinux) {
            return OptionalLong.empty();
        }
    }
}
