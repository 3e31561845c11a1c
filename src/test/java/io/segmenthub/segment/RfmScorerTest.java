package io.segmenthub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RfmScorerTest {

    private static final LocalDate AS_OF = LocalDate.of(2025, 6, 30);

    private final RfmScorer quintiles = new RfmScorer(Optional.empty());

    private static PurchaseHistory history(String id, int daysAgo, int orders, String revenue) {
        return new PurchaseHistory(id, AS_OF.minusDays(daysAgo), orders, new BigDecimal(revenue));
    }

    /**
     * Ten customers: c1 bought 0 days ago, once, for 100; c10 bought 90 days ago, 10 times, for
     * 1000. Type 7 quantiles of 10 values at p: h = 9p, so 1.8, 3.6, 5.4, 7.2.
     */
    private static List<PurchaseHistory> tenCustomers() {
        return IntStream.rangeClosed(1, 10)
                .mapToObj(i -> history("c" + i, (i - 1) * 10, i, String.valueOf(i * 100)))
                .toList();
    }

    @Test
    void cutPointsAreType7QuintilesOfThePopulation() {
        RfmThresholds cuts = quintiles.thresholds(tenCustomers(), AS_OF);

        // days 0,10..90: 10 + 0.8*10 = 18, 30 + 0.6*10 = 36, 50 + 0.4*10 = 54, 70 + 0.2*10 = 72
        assertThat(cuts.recencyDays()).containsExactly(18.0, 36.0, 54.0, 72.0);
        // orders 1..10: 2.8, 4.6, 6.4, 8.2
        assertThat(cuts.frequency().get(0)).isCloseTo(2.8, within(1e-9));
        assertThat(cuts.frequency().get(1)).isCloseTo(4.6, within(1e-9));
        assertThat(cuts.frequency().get(2)).isCloseTo(6.4, within(1e-9));
        assertThat(cuts.frequency().get(3)).isCloseTo(8.2, within(1e-9));
        assertThat(cuts.monetary()).containsExactly(280.0, 460.0, 640.0, 820.0);
    }

    @Test
    void scoresAKnownPopulationInQuintilesWithRecentBuyersScoringHigh() {
        Map<String, RfmScore> scores = quintiles.score(tenCustomers(), AS_OF);

        assertThat(scores).hasSize(10);
        assertThat(scores.get("c1").code()).isEqualTo("511");
        assertThat(scores.get("c2").code()).isEqualTo("511");
        assertThat(scores.get("c3").code()).isEqualTo("422");
        assertThat(scores.get("c4").code()).isEqualTo("422");
        assertThat(scores.get("c5").code()).isEqualTo("333");
        assertThat(scores.get("c6").code()).isEqualTo("333");
        assertThat(scores.get("c7").code()).isEqualTo("244");
        assertThat(scores.get("c8").code()).isEqualTo("244");
        assertThat(scores.get("c9").code()).isEqualTo("155");
        assertThat(scores.get("c10").code()).isEqualTo("155");
        assertThat(scores.get("c1").segment()).isEqualTo("New Customers");
        assertThat(scores.get("c5").segment()).isEqualTo("Need Attention");
        assertThat(scores.get("c10").segment()).isEqualTo("Can't Lose Them");
        assertThat(scores.get("c10").valueType()).isEqualTo(ValueType.OPPORTUNITY);
    }

    @Test
    void equalValuesGetEqualScoresEvenWhenTiesMakeScoresUneven() {
        // Seven one-order customers: the 20, 40 and 60 % quantiles are all 1, the 80 % is 2.2.
        List<PurchaseHistory> population = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            population.add(history("once" + i, 30, 1, "50"));
        }
        population.add(history("twice", 20, 2, "80"));
        population.add(history("thrice", 10, 3, "120"));
        population.add(history("often", 5, 10, "900"));

        Map<String, RfmScore> scores = quintiles.score(population, AS_OF);

        assertThat(quintiles.thresholds(population, AS_OF).frequency().subList(0, 3))
                .containsExactly(1.0, 1.0, 1.0);
        for (int i = 1; i <= 7; i++) {
            assertThat(scores.get("once" + i)).isEqualTo(scores.get("once1"));
        }
        assertThat(scores.get("once1").frequency()).isEqualTo(1);
        assertThat(scores.get("twice").frequency()).isEqualTo(4);
        assertThat(scores.get("thrice").frequency()).isEqualTo(5);
        assertThat(scores.values()).extracting(RfmScore::frequency).doesNotContain(2, 3);
    }

    @Test
    void overridesAreUsedInsteadOfThePopulationsQuintiles() {
        RfmThresholds fixed = new RfmThresholds(
                List.of(30.0, 60.0, 90.0, 180.0), List.of(1.0, 2.0, 4.0, 8.0), List.of(50.0, 100.0, 200.0, 400.0));
        RfmScorer scorer = new RfmScorer(Optional.of(fixed));
        List<PurchaseHistory> population = List.of(
                history("a", 45, 3, "250"), history("b", 400, 20, "10"));

        Map<String, RfmScore> scores = scorer.score(population, AS_OF);

        assertThat(scorer.thresholds(population, AS_OF)).isEqualTo(fixed);
        // a: 45 days > 30 only -> R 4; 3 orders > 1, 2 -> F 3; 250 > 50, 100, 200 -> M 4
        assertThat(scores.get("a").code()).isEqualTo("434");
        // b: 400 days > all four -> R 1; 20 orders > all -> F 5; 10 > none -> M 1
        assertThat(scores.get("b").code()).isEqualTo("151");
    }

    @Test
    void scoringIsTheSameWhateverTheInputOrder() {
        List<PurchaseHistory> shuffled = new ArrayList<>(tenCustomers());
        Collections.shuffle(shuffled, new Random(7));

        assertThat(quintiles.score(shuffled, AS_OF)).isEqualTo(quintiles.score(tenCustomers(), AS_OF));
        assertThat(List.copyOf(quintiles.score(shuffled, AS_OF).keySet()))
                .isEqualTo(List.copyOf(quintiles.score(tenCustomers(), AS_OF).keySet()));
    }

    @Test
    void anEmptyPopulationScoresNoOneAndReportsZeroCutPoints() {
        assertThat(quintiles.score(List.of(), AS_OF)).isEmpty();
        assertThat(quintiles.thresholds(List.of(), AS_OF).recencyDays()).containsExactly(0.0, 0.0, 0.0, 0.0);
    }

    @ParameterizedTest(name = "R={0}, FM={1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            5 | 1 | New Customers
            5 | 2 | Potential Loyalists
            5 | 3 | Potential Loyalists
            5 | 4 | Champions
            5 | 5 | Champions
            4 | 1 | Promising
            4 | 2 | Potential Loyalists
            4 | 3 | Potential Loyalists
            4 | 4 | Loyal Customers
            4 | 5 | Champions
            3 | 1 | About to Sleep
            3 | 2 | About to Sleep
            3 | 3 | Need Attention
            3 | 4 | Loyal Customers
            3 | 5 | Loyal Customers
            2 | 1 | Hibernating
            2 | 2 | Hibernating
            2 | 3 | At Risk
            2 | 4 | At Risk
            2 | 5 | Can't Lose Them
            1 | 1 | Lost
            1 | 2 | Lost
            1 | 3 | At Risk
            1 | 4 | Can't Lose Them
            1 | 5 | Can't Lose Them
            """)
    void everyGridCellMapsToItsSegment(int r, int fm, String segment) {
        assertThat(RfmScorer.classify(r, fm, fm).segment()).isEqualTo(segment);
    }

    @Test
    void fmIsTheAverageOfFAndMRoundedHalfUp() {
        assertThat(RfmScorer.classify(4, 4, 5).segment()).as("FM 4.5 -> 5").isEqualTo("Champions");
        assertThat(RfmScorer.classify(4, 5, 4).segment()).as("FM 4.5 -> 5").isEqualTo("Champions");
        assertThat(RfmScorer.classify(5, 1, 2).segment()).as("FM 1.5 -> 2").isEqualTo("Potential Loyalists");
        assertThat(RfmScorer.classify(3, 1, 4).segment()).as("FM 2.5 -> 3").isEqualTo("Need Attention");
        assertThat(RfmScorer.classify(2, 1, 3).segment()).as("FM 2 -> 2").isEqualTo("Hibernating");
    }

    @Test
    void all11StandardSegmentsAreReachableAndNoOthers() {
        Set<String> reached = new HashSet<>();
        for (int r = 1; r <= 5; r++) {
            for (int f = 1; f <= 5; f++) {
                for (int m = 1; m <= 5; m++) {
                    reached.add(RfmScorer.classify(r, f, m).segment());
                }
            }
        }

        assertThat(RfmScorer.SEGMENTS).containsExactly("Champions", "Loyal Customers",
                "Potential Loyalists", "New Customers", "Promising", "Need Attention", "About to Sleep",
                "At Risk", "Can't Lose Them", "Hibernating", "Lost");
        assertThat(reached).containsExactlyInAnyOrderElementsOf(RfmScorer.SEGMENTS);
    }

    @ParameterizedTest(name = "R={0} F={1} M={2} -> {3}")
    @CsvSource({
            "5, 5, 5, HIGH_VALUE",
            "3, 4, 4, HIGH_VALUE",
            "2, 4, 4, OPPORTUNITY",
            "1, 1, 5, OPPORTUNITY",
            "5, 5, 3, GROWTH_POTENTIAL",
            "1, 4, 1, GROWTH_POTENTIAL",
            "3, 3, 4, GENERAL",
            "5, 3, 3, GENERAL",
            "1, 1, 1, GENERAL",
    })
    void valueTypeFollowsTheProductGuideRules(int r, int f, int m, ValueType expected) {
        assertThat(RfmScorer.classify(r, f, m).valueType()).isEqualTo(expected);
    }

    @Test
    void valueTypeKeysAreSnakeCase() {
        assertThat(ValueType.values()).extracting(ValueType::key)
                .containsExactly("high_value", "growth_potential", "opportunity", "general");
    }

    @Test
    void codeIsRecencyThenFrequencyThenMonetary() {
        assertThat(RfmScorer.classify(5, 4, 5).code()).isEqualTo("545");
        assertThat(RfmScorer.classify(1, 2, 3).code()).isEqualTo("123");
    }

    @Nested
    class Rejects {

        @Test
        void twoHistoriesForTheSameGoldenProfile() {
            List<PurchaseHistory> population = List.of(history("g1", 1, 1, "10"), history("g1", 2, 2, "20"));

            assertThatThrownBy(() -> quintiles.score(population, AS_OF))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("g1")
                    .hasMessageContaining("more than one purchase history");
        }

        @Test
        void aHistoryWithoutOrders() {
            assertThatThrownBy(() -> history("g1", 1, 0, "10"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("orders must be at least 1");
        }

        @Test
        void aScoreOutsideOneToFive() {
            assertThatThrownBy(() -> new RfmScore(0, 3, 3, "Lost", ValueType.GENERAL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("recency score must be 1 to 5");
        }
    }
}
