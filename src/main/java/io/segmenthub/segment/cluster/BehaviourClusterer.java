package io.segmenthub.segment.cluster;

import org.hipparchus.clustering.CentroidCluster;
import org.hipparchus.clustering.Cluster;
import org.hipparchus.clustering.Clusterable;
import org.hipparchus.clustering.KMeansPlusPlusClusterer;
import org.hipparchus.clustering.MultiKMeansPlusPlusClusterer;
import org.hipparchus.clustering.distance.EuclideanDistance;
import org.hipparchus.clustering.evaluation.ClusterEvaluator;
import org.hipparchus.exception.MathRuntimeException;
import org.hipparchus.random.Well19937c;
import org.hipparchus.stat.descriptive.moment.Mean;
import org.hipparchus.stat.descriptive.moment.StandardDeviation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Groups profiles by behaviour with k-means++ (Arthur and Vassilvitskii 2007, Hipparchus'
 * {@link KMeansPlusPlusClusterer}) over standardised features: each feature is transformed
 * ({@link ClusterFeature}) and turned into z-scores against this population, so days, counts and
 * money weigh alike. Each k is clustered several times from seeded starts and the solution with the
 * lowest within-cluster sum of squares is kept; with k chosen automatically, the k with the highest
 * mean silhouette (Rousseeuw 1987) wins, the smaller k on a tie. The same behaviours, settings and
 * seed give the same clusters, whatever the golden ids and the order they come in.
 *
 * <p>Cluster ids are stable across runs: each new centroid is matched to the nearest centroid of
 * the previous run (greedily, closest pair first, within {@link #MATCH_DISTANCE} standard
 * deviations, both measured on this run's scale) and takes its id; clusters without a match get
 * ids never used before. Each cluster is described in words from its centroid's z-scores.
 */
public final class BehaviourClusterer {

    /** Lloyd iterations per start; k-means on a few thousand profiles converges long before. */
    static final int MAX_ITERATIONS = 300;
    /** Profiles the silhouette is computed on: all up to this many, else a seeded sample (it is quadratic). */
    static final int SILHOUETTE_SAMPLE = 2000;
    /** Farthest a new centroid may be from a previous one, in standard deviations, to inherit its id. */
    static final double MATCH_DISTANCE = 1.0;
    /** |z| from which a centroid is described as below or above the population, and from which "very". */
    static final double NOTABLE = 0.5;
    static final double VERY = 1.0;

    /**
     * How to cluster.
     *
     * @param fixedK   the number of clusters, or empty to choose it by silhouette in [minK, maxK]
     * @param restarts seeded k-means++ starts per k; the lowest sum of squared errors wins
     */
    public record Settings(List<ClusterFeature> features, OptionalInt fixedK, int minK, int maxK, long seed, int restarts) {
        public Settings {
            features = List.copyOf(features);
            if (features.isEmpty() || new HashSet<>(features).size() != features.size()) {
                throw new IllegalArgumentException("features must be distinct and not empty: " + features);
            }
            if (fixedK.isPresent() ? fixedK.getAsInt() < 2 : minK < 2 || maxK < minK) {
                throw new IllegalArgumentException("k must be at least 2 and the range ascending");
            }
            if (restarts < 1) {
                throw new IllegalArgumentException("restarts must be at least 1");
            }
        }
    }

    /** A cluster of an earlier run: its id and centroid in transformed units, per feature. */
    public record PreviousCluster(String id, Map<ClusterFeature, Double> centroid) {
        public PreviousCluster {
            centroid = Map.copyOf(centroid);
        }
    }

    /**
     * One cluster.
     *
     * @param means    member averages in original units, for every feature (clustered on or not)
     * @param centroid the centroid in transformed units (before standardising), per clustered feature:
     *                 what the next run matches against
     * @param zScores  the centroid against this run's population, per clustered feature
     */
    public record BehaviourCluster(String id, int size, Map<ClusterFeature, Double> means, Map<ClusterFeature, Double> centroid,
                                   Map<ClusterFeature, Double> zScores, String description) {
        public BehaviourCluster {
            means = unmodifiable(means);
            centroid = unmodifiable(centroid);
            zScores = unmodifiable(zScores);
        }
    }

    /**
     * The outcome.
     *
     * @param silhouettes mean silhouette per k tried
     * @param assignments golden id to cluster id, for every profile clustered
     * @param keptIds     ids carried over from the previous run
     */
    public record Result(int k, Map<Integer, Double> silhouettes, List<BehaviourCluster> clusters, Map<String, String> assignments,
                         List<String> keptIds) {
        public Result {
            silhouettes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(silhouettes));
            clusters = List.copyOf(clusters);
            assignments = Map.copyOf(assignments);
            keptIds = List.copyOf(keptIds);
        }
    }

    private record Point(String goldenId, int index, double[] z) implements Clusterable {
        @Override
        public double[] getPoint() {
            return z;
        }
    }

    private final Settings settings;

    public BehaviourClusterer(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Clusters the profiles.
     *
     * @param previous     the previous run's clusters (empty on the first run)
     * @param nextIdNumber the number of the first id never used before ({@code c<n>})
     * @throws ClusteringException when the population has fewer distinct behaviours than clusters asked for
     */
    public Result cluster(List<Behaviour> behaviours, List<PreviousCluster> previous, int nextIdNumber) {
        List<ClusterFeature> features = settings.features();
        // ordered by behaviour, not by id: k-means++ draws its starts by position, so the clusters
        // depend on what people did, not on the golden ids a store happened to give them
        Comparator<Behaviour> byBehaviour = Comparator.comparingDouble(Behaviour::recencyDays).thenComparingDouble(Behaviour::frequency)
                .thenComparingDouble(Behaviour::monetary).thenComparingDouble(Behaviour::engagement).thenComparingDouble(Behaviour::tenureDays)
                .thenComparing(Behaviour::goldenId);
        List<Behaviour> sorted = behaviours.stream().sorted(byBehaviour).toList();
        int n = sorted.size();
        int dims = features.size();
        double[][] transformed = new double[n][dims];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < dims; f++) {
                transformed[i][f] = features.get(f).transform(sorted.get(i).value(features.get(f)));
            }
        }
        double[] mean = new double[dims];
        double[] sd = new double[dims];
        for (int f = 0; f < dims; f++) {
            double[] column = new double[n];
            for (int i = 0; i < n; i++) {
                column[i] = transformed[i][f];
            }
            mean[f] = n == 0 ? 0 : new Mean().evaluate(column);
            double deviation = n == 0 ? 0 : new StandardDeviation(false).evaluate(column);
            sd[f] = deviation > 0 ? deviation : 1; // a feature everyone shares separates no one
        }
        List<Point> points = new ArrayList<>(n);
        Set<List<Double>> distinct = new HashSet<>();
        for (int i = 0; i < n; i++) {
            double[] z = new double[dims];
            for (int f = 0; f < dims; f++) {
                z[f] = (transformed[i][f] - mean[f]) / sd[f];
            }
            points.add(new Point(sorted.get(i).goldenId(), i, z));
            distinct.add(Arrays.stream(z).boxed().toList());
        }

        int lowest = settings.fixedK().orElse(settings.minK());
        int highest = Math.min(settings.fixedK().orElse(settings.maxK()), distinct.size() - 1);
        if (highest < lowest) {
            throw new ClusteringException(n + " profiles with " + distinct.size() + " distinct behaviours are too few for "
                    + (settings.fixedK().isPresent() ? "k=" + lowest : "k from " + lowest) + " (a silhouette needs more profiles than clusters)");
        }
        int[] sample = sample(n);
        Map<Integer, Double> silhouettes = new TreeMap<>();
        List<CentroidCluster<Point>> best = null;
        double bestSilhouette = Double.NEGATIVE_INFINITY;
        for (int k = lowest; k <= highest; k++) {
            List<CentroidCluster<Point>> clusters = kMeans(points, k);
            double silhouette = silhouette(points, clusters, sample);
            silhouettes.put(k, silhouette);
            if (best == null || silhouette > bestSilhouette) {
                best = clusters;
                bestSilhouette = silhouette;
            }
        }
        return describe(sorted, best, silhouettes, mean, sd, previous, nextIdNumber);
    }

    private List<CentroidCluster<Point>> kMeans(List<Point> points, int k) {
        // one generator per k, so the clusters for a k do not depend on which other k were tried
        var starts = new KMeansPlusPlusClusterer<Point>(k, MAX_ITERATIONS, new EuclideanDistance(), new Well19937c(settings.seed() * 31 + k));
        try {
            List<CentroidCluster<Point>> clusters = new MultiKMeansPlusPlusClusterer<>(starts, settings.restarts(), new SumOfSquaredErrors())
                    .cluster(points);
            return clusters.stream().filter(c -> !c.getPoints().isEmpty()).toList();
        } catch (MathRuntimeException e) {
            throw new ClusteringException("k-means with k=" + k + " failed on " + points.size() + " profiles: " + e.getMessage());
        }
    }

    /** Within-cluster sum of squared distances to the centroid: what k-means minimises, so lower is better. */
    private static final class SumOfSquaredErrors extends ClusterEvaluator<Point> {
        SumOfSquaredErrors() {
            super(new EuclideanDistance());
        }

        @Override
        public double score(List<? extends Cluster<Point>> clusters) {
            double sum = 0;
            for (Cluster<Point> cluster : clusters) {
                if (cluster.getPoints().isEmpty()) {
                    continue;
                }
                Clusterable centre = centroidOf(cluster);
                for (Point p : cluster.getPoints()) {
                    double d = distance(p, centre);
                    sum += d * d;
                }
            }
            return sum;
        }
    }

    /** Indices of the profiles the silhouette is measured on: all, or a seeded sample of {@link #SILHOUETTE_SAMPLE}. */
    private int[] sample(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        if (n <= SILHOUETTE_SAMPLE) {
            return all;
        }
        var random = new Well19937c(settings.seed());
        for (int i = 0; i < SILHOUETTE_SAMPLE; i++) { // partial Fisher-Yates
            int j = i + random.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, SILHOUETTE_SAMPLE);
    }

    /**
     * Mean silhouette over the sampled profiles: for each, (b - a) / max(a, b) where a is its mean
     * distance to the rest of its cluster and b the smallest mean distance to another cluster; 0 for
     * a profile alone in its cluster.
     */
    static double silhouette(List<? extends Clusterable> points, List<? extends Cluster<? extends Clusterable>> clusters, int[] sample) {
        Map<Clusterable, Integer> label = new HashMap<>();
        for (int c = 0; c < clusters.size(); c++) {
            for (Clusterable p : clusters.get(c).getPoints()) {
                label.put(p, c);
            }
        }
        int k = clusters.size();
        int[] sizes = new int[k];
        for (int i : sample) {
            sizes[label.get(points.get(i))]++;
        }
        double total = 0;
        for (int i : sample) {
            double[] sums = new double[k];
            double[] x = points.get(i).getPoint();
            for (int j : sample) {
                if (i != j) {
                    sums[label.get(points.get(j))] += distance(x, points.get(j).getPoint());
                }
            }
            int own = label.get(points.get(i));
            if (sizes[own] <= 1) {
                continue;
            }
            double a = sums[own] / (sizes[own] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (c != own && sizes[c] > 0) {
                    b = Math.min(b, sums[c] / sizes[c]);
                }
            }
            if (Double.isInfinite(b)) {
                continue;
            }
            double denominator = Math.max(a, b);
            total += denominator == 0 ? 0 : (b - a) / denominator;
        }
        return sample.length == 0 ? 0 : total / sample.length;
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    private Result describe(List<Behaviour> sorted, List<CentroidCluster<Point>> clusters, Map<Integer, Double> silhouettes,
                            double[] mean, double[] sd, List<PreviousCluster> previous, int nextIdNumber) {
        List<ClusterFeature> features = settings.features();
        List<double[]> centres = clusters.stream().map(c -> c.getCenter().getPoint()).toList();
        List<Integer> sizes = clusters.stream().map(c -> c.getPoints().size()).toList();
        Map<Integer, String> ids = new HashMap<>();
        List<String> kept = new ArrayList<>();

        // previous centroids on this run's scale; a previous run on other features cannot hand ids on
        List<PreviousCluster> comparable = previous.stream().filter(p -> p.centroid().keySet().containsAll(features)).toList();
        record Pair(int current, int earlier, double distance) { }
        List<Pair> pairs = new ArrayList<>();
        for (int c = 0; c < centres.size(); c++) {
            for (int p = 0; p < comparable.size(); p++) {
                double[] old = new double[features.size()];
                for (int f = 0; f < features.size(); f++) {
                    old[f] = (comparable.get(p).centroid().get(features.get(f)) - mean[f]) / sd[f];
                }
                double d = distance(centres.get(c), old);
                if (d <= MATCH_DISTANCE) {
                    pairs.add(new Pair(c, p, d));
                }
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::distance).thenComparing(p -> comparable.get(p.earlier()).id()).thenComparingInt(Pair::current));
        Set<Integer> taken = new HashSet<>();
        for (Pair pair : pairs) {
            if (!ids.containsKey(pair.current()) && taken.add(pair.earlier())) {
                String id = comparable.get(pair.earlier()).id();
                ids.put(pair.current(), id);
                kept.add(id);
            }
        }
        // the rest get fresh ids, biggest cluster first
        int next = nextIdNumber;
        List<Integer> unmatched = new ArrayList<>();
        for (int c = 0; c < centres.size(); c++) {
            if (!ids.containsKey(c)) {
                unmatched.add(c);
            }
        }
        unmatched.sort(Comparator.<Integer>comparingInt(c -> -sizes.get(c)).thenComparing(c -> Arrays.toString(centres.get(c))));
        for (int c : unmatched) {
            ids.put(c, "c" + next++);
        }

        List<BehaviourCluster> described = new ArrayList<>();
        Map<String, String> assignments = new LinkedHashMap<>();
        for (int c = 0; c < clusters.size(); c++) {
            String id = ids.get(c);
            Map<ClusterFeature, Double> means = new EnumMap<>(ClusterFeature.class);
            for (ClusterFeature feature : ClusterFeature.values()) {
                double sum = 0;
                for (Point p : clusters.get(c).getPoints()) {
                    sum += sorted.get(p.index()).value(feature);
                }
                means.put(feature, sum / sizes.get(c));
            }
            Map<ClusterFeature, Double> centroid = new EnumMap<>(ClusterFeature.class);
            Map<ClusterFeature, Double> z = new EnumMap<>(ClusterFeature.class);
            for (int f = 0; f < features.size(); f++) {
                z.put(features.get(f), centres.get(c)[f]);
                centroid.put(features.get(f), centres.get(c)[f] * sd[f] + mean[f]);
            }
            described.add(new BehaviourCluster(id, sizes.get(c), means, centroid, z, describe(features, z)));
            clusters.get(c).getPoints().forEach(p -> assignments.put(p.goldenId(), id));
        }
        described.sort(Comparator.comparingInt(c -> Integer.parseInt(c.id().substring(1))));
        kept.sort(Comparator.comparingInt(id -> Integer.parseInt(id.substring(1))));
        return new Result(clusters.size(), silhouettes, described, assignments, kept);
    }

    /**
     * A centroid in words, relative to the population: each feature at least {@link #NOTABLE}
     * standard deviations from the mean gets its word ("recent", "high spend"), "very" from
     * {@link #VERY}; features close to the mean are left out.
     */
    static String describe(List<ClusterFeature> features, Map<ClusterFeature, Double> zScores) {
        List<String> words = new ArrayList<>();
        for (ClusterFeature feature : features) {
            double z = zScores.get(feature);
            if (Math.abs(z) >= NOTABLE) {
                words.add((Math.abs(z) >= VERY ? "very " : "") + feature.word(z < 0));
            }
        }
        return words.isEmpty() ? "close to the average on every feature" : String.join(", ", words);
    }

    private static <K extends Enum<K>> Map<K, Double> unmodifiable(Map<K, Double> map) {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(map));
    }
}
