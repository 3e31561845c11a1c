package io.segmenthub.segment.cluster;

import io.segmenthub.segment.cluster.BehaviourClusterer.BehaviourCluster;
import io.segmenthub.segment.cluster.BehaviourClusterer.PreviousCluster;
import io.segmenthub.segment.cluster.BehaviourClusterer.Result;
import io.segmenthub.segment.cluster.BehaviourClusterer.Settings;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static io.segmenthub.segment.cluster.ClusterFeature.ENGAGEMENT;
import static io.segmenthub.segment.cluster.ClusterFeature.FREQUENCY;
import static io.segmenthub.segment.cluster.ClusterFeature.MONETARY;
import static io.segmenthub.segment.cluster.ClusterFeature.RECENCY;
import static io.segmenthub.segment.cluster.ClusterFeature.TENURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BehaviourClustererTest {

    private static final List<ClusterFeature> ALL = List.of(RECENCY, FREQUENCY, MONETARY, ENGAGEMENT, TENURE);

    /** A made-up customer type: the centre of each feature and its spread. */
    private record Group(String name, int size, double recency, double frequency, double monetary, double engagement, double tenure) {
    }

    private static final Group CHAMPIONS = new Group("champions", 40, 5, 25, 8000, 60, 1000);
    private static final Group LAPSED_ONE_OFF = new Group("lapsed", 90, 400, 1, 60, 0, 400);
    private static final Group NEW_ENGAGED = new Group("new", 60, 10, 2, 300, 30, 20);
    private static final Group LOYAL = new Group("loyal", 70, 60, 8, 1500, 2, 700);
    private static final List<Group> FOUR = List.of(CHAMPIONS, LAPSED_ONE_OFF, NEW_ENGAGED, LOYAL);

    /** Profiles of the groups with about 5 % noise; the golden id names the group, so tests can check purity. */
    private static List<Behaviour> population(List<Group> groups, long noiseSeed) {
        Random random = new Random(noiseSeed);
        List<Behaviour> out = new ArrayList<>();
        for (Group g : groups) {
            for (int i = 0; i < g.size(); i++) {
                out.add(new Behaviour(g.name() + "-" + noiseSeed + "-" + i, noisy(random, g.recency()), Math.max(1, Math.round(noisy(random, g.frequency()))),
                        noisy(random, g.monetary()), Math.round(noisy(random, g.engagement())), Math.max(noisy(random, g.tenure()), 0)));
            }
        }
        return out;
    }

    private static double noisy(Random random, double centre) {
        return Math.max(0, centre + random.nextGaussian() * Math.max(0.05 * centre, 0.3));
    }

    private static Settings auto(long seed) {
        return new Settings(ALL, OptionalInt.empty(), 2, 8, seed, 5);
    }

    private static String group(String goldenId) {
        return goldenId.substring(0, goldenId.indexOf('-'));
    }

    /** Group name to the one cluster id all its profiles got (fails when a group is split). */
    private static Map<String, String> clusterOfEachGroup(Result result) {
        Map<String, Set<String>> ids = result.assignments().entrySet().stream().collect(Collectors.groupingBy(
                e -> group(e.getKey()), Collectors.mapping(Map.Entry::getValue, Collectors.toSet())));
        Map<String, String> single = new HashMap<>();
        ids.forEach((g, set) -> {
            assertThat(set).as("clusters of group %s", g).hasSize(1);
            single.put(g, set.iterator().next());
        });
        return single;
    }

    private static List<PreviousCluster> previous(Result result) {
        return result.clusters().stream().map(c -> new PreviousCluster(c.id(), c.centroid())).toList();
    }

    @Test
    void silhouettePicksTheNumberOfClearlySeparatedGroups() {
        Result result = new BehaviourClusterer(auto(42)).cluster(population(FOUR, 1), List.of(), 1);

        assertThat(result.k()).isEqualTo(4);
        assertThat(result.silhouettes()).containsOnlyKeys(2, 3, 4, 5, 6, 7, 8);
        assertThat(result.silhouettes().get(4)).isGreaterThan(0.6)
                .isEqualTo(Collections.max(result.silhouettes().values()));
        Map<String, String> clusters = clusterOfEachGroup(result);
        assertThat(Set.copyOf(clusters.values())).hasSize(4);
        assertThat(result.clusters()).extracting(BehaviourCluster::size).containsExactly(90, 70, 60, 40);
    }

    @Test
    void theSameSeedGivesTheSameClustersWhateverTheInputOrder() {
        List<Behaviour> people = population(FOUR, 1);
        List<Behaviour> shuffled = new ArrayList<>(people);
        Collections.shuffle(shuffled, new Random(7));

        Result first = new BehaviourClusterer(auto(42)).cluster(people, List.of(), 1);
        Result again = new BehaviourClusterer(auto(42)).cluster(shuffled, List.of(), 1);

        assertThat(again.assignments()).isEqualTo(first.assignments());
        assertThat(again.clusters()).isEqualTo(first.clusters());
        assertThat(again.silhouettes()).isEqualTo(first.silhouettes());
    }

    @Test
    void theSameBehavioursGiveTheSameClustersWhateverTheGoldenIds() {
        List<Behaviour> people = population(FOUR, 1);
        // a fresh store gives everyone new ids: here ids that sort the other way round
        List<Behaviour> renamed = people.stream().map(b -> new Behaviour("z" + (100000 - people.indexOf(b)) + "-" + b.goldenId(),
                b.recencyDays(), b.frequency(), b.monetary(), b.engagement(), b.tenureDays())).toList();

        Result first = new BehaviourClusterer(auto(42)).cluster(people, List.of(), 1);
        Result again = new BehaviourClusterer(auto(42)).cluster(renamed, List.of(), 1);

        assertThat(again.clusters()).isEqualTo(first.clusters());
        people.forEach(b -> assertThat(again.assignments().get("z" + (100000 - people.indexOf(b)) + "-" + b.goldenId()))
                .isEqualTo(first.assignments().get(b.goldenId())));
    }

    @Test
    void aFixedKGivesThatManyClustersEvenWhereTheSilhouetteWouldDisagree() {
        var settings = new Settings(ALL, OptionalInt.of(2), 2, 8, 42, 3);

        Result result = new BehaviourClusterer(settings).cluster(population(FOUR, 1), List.of(), 1);

        assertThat(result.k()).isEqualTo(2);
        assertThat(result.clusters()).hasSize(2).extracting(BehaviourCluster::id).containsExactly("c1", "c2");
        assertThat(result.silhouettes()).containsOnlyKeys(2);
    }

    @Test
    void firstRunNumbersClustersBiggestFirst() {
        Result result = new BehaviourClusterer(auto(42)).cluster(population(FOUR, 1), List.of(), 1);

        assertThat(clusterOfEachGroup(result)).containsEntry("lapsed", "c1").containsEntry("loyal", "c2")
                .containsEntry("new", "c3").containsEntry("champions", "c4");
        assertThat(result.keptIds()).isEmpty();
    }

    @Test
    void clusterIdsSurviveARunWhereTheDataBarelyChanged() {
        Result first = new BehaviourClusterer(auto(42)).cluster(population(FOUR, 1), List.of(), 1);
        // new noise for everyone, more lapsed customers than champions now, and a different seed
        List<Group> shifted = List.of(new Group("champions", 45, 6, 24, 7800, 58, 1030), LAPSED_ONE_OFF,
                new Group("new", 30, 12, 2, 320, 28, 35), LOYAL);
        Result second = new BehaviourClusterer(auto(7)).cluster(population(shifted, 2), previous(first), 5);

        assertThat(clusterOfEachGroup(second)).isEqualTo(clusterOfEachGroup(first));
        assertThat(second.keptIds()).containsExactly("c1", "c2", "c3", "c4");
    }

    @Test
    void aNewKindOfCustomerGetsAnIdNeverUsedBefore() {
        Result first = new BehaviourClusterer(auto(42)).cluster(population(FOUR, 1), List.of(), 1);
        Group bulkBuyers = new Group("bulk", 30, 200, 3, 50000, 0, 60);
        List<Group> five = new ArrayList<>(FOUR);
        five.add(bulkBuyers);

        Result second = new BehaviourClusterer(new Settings(ALL, OptionalInt.of(5), 2, 8, 42, 5))
                .cluster(population(five, 3), previous(first), 5);

        Map<String, String> before = clusterOfEachGroup(first);
        Map<String, String> after = clusterOfEachGroup(second);
        FOUR.forEach(g -> assertThat(after.get(g.name())).as(g.name()).isEqualTo(before.get(g.name())));
        assertThat(after.get("bulk")).isEqualTo("c5");
    }

    @Test
    void aClusterFarFromEveryPreviousCentroidDoesNotInheritAnId() {
        Result first = new BehaviourClusterer(auto(42)).cluster(population(List.of(CHAMPIONS, LAPSED_ONE_OFF), 1), List.of(), 1);
        // a population of quite different people: neither cluster is near the old centroids
        List<Group> others = List.of(new Group("a", 50, 30, 4, 900, 10, 90), new Group("b", 50, 150, 12, 20000, 200, 3000));

        Result second = new BehaviourClusterer(auto(42)).cluster(population(others, 2), previous(first), 3);

        assertThat(second.keptIds()).isEmpty();
        assertThat(second.clusters()).extracting(BehaviourCluster::id).containsExactly("c3", "c4");
    }

    @Test
    void meansAreInOriginalUnitsAndCentroidsDescribeTheGroups() {
        Result result = new BehaviourClusterer(auto(42)).cluster(population(FOUR, 1), List.of(), 1);
        Map<String, String> ids = clusterOfEachGroup(result);
        Map<String, BehaviourCluster> byGroup = new HashMap<>();
        result.clusters().forEach(c -> ids.forEach((g, id) -> {
            if (id.equals(c.id())) {
                byGroup.put(g, c);
            }
        }));

        BehaviourCluster champions = byGroup.get("champions");
        // recency is on a linear scale: 5 days against a population mean of about 160 days and a deviation
        // of about 170 is z = -0.9, "recent" but not "very recent"
        assertThat(champions.means().get(MONETARY)).isBetween(7500.0, 8500.0);
        assertThat(champions.means().get(RECENCY)).isBetween(3.0, 7.0);
        assertThat(champions.description()).isEqualTo("recent, very frequent, very high spend, very engaged, very long-standing");
        assertThat(byGroup.get("lapsed").description()).isEqualTo("very lapsed, infrequent, very low spend, very unengaged");
        assertThat(byGroup.get("new").description()).endsWith("very new");
    }

    @Nested
    class Descriptions {

        private Map<ClusterFeature, Double> z(double recency, double frequency, double monetary, double engagement, double tenure) {
            Map<ClusterFeature, Double> z = new EnumMap<>(ClusterFeature.class);
            z.put(RECENCY, recency);
            z.put(FREQUENCY, frequency);
            z.put(MONETARY, monetary);
            z.put(ENGAGEMENT, engagement);
            z.put(TENURE, tenure);
            return z;
        }

        @Test
        void wordsForFeaturesHalfADeviationOrMoreFromTheMeanVeryFromOne() {
            assertThat(BehaviourClusterer.describe(ALL, z(-1.2, 0.8, 1.5, 0.1, -0.6)))
                    .isEqualTo("very recent, frequent, very high spend, new");
            assertThat(BehaviourClusterer.describe(ALL, z(0.5, -0.5, -1.0, -0.49, 0.99)))
                    .isEqualTo("lapsed, infrequent, very low spend, long-standing");
        }

        @Test
        void onlyTheClusteredFeaturesAreDescribed() {
            assertThat(BehaviourClusterer.describe(List.of(MONETARY, RECENCY), z(2, 2, 2, 2, 2))).isEqualTo("very high spend, very lapsed");
        }

        @Test
        void aCentroidNearTheMeanEverywhereSaysSo() {
            assertThat(BehaviourClusterer.describe(ALL, z(0.2, -0.3, 0.4, 0, -0.1))).isEqualTo("close to the average on every feature");
        }
    }

    @Nested
    class Refused {

        @Test
        void fewerDistinctProfilesThanClusters() {
            List<Behaviour> twins = List.of(new Behaviour("a", 5, 1, 10, 0, 5), new Behaviour("b", 5, 1, 10, 0, 5),
                    new Behaviour("c", 50, 2, 20, 0, 50));

            assertThatThrownBy(() -> new BehaviourClusterer(new Settings(ALL, OptionalInt.of(3), 2, 8, 1, 1)).cluster(twins, List.of(), 1))
                    .isInstanceOf(ClusteringException.class).hasMessageContaining("2 distinct behaviours");
        }

        @Test
        void noProfilesAtAll() {
            assertThatThrownBy(() -> new BehaviourClusterer(auto(1)).cluster(List.of(), List.of(), 1))
                    .isInstanceOf(ClusteringException.class).hasMessageContaining("0 profiles");
        }

        @Test
        void settingsThatCannotCluster() {
            assertThatThrownBy(() -> new Settings(List.of(), OptionalInt.empty(), 2, 8, 1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Settings(List.of(RECENCY, RECENCY), OptionalInt.empty(), 2, 8, 1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Settings(ALL, OptionalInt.of(1), 2, 8, 1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Settings(ALL, OptionalInt.empty(), 5, 3, 1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Settings(ALL, OptionalInt.empty(), 2, 8, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
