package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FellegiSunterModelTest {

    static final List<Comparison> COMPARISONS = List.of(Comparisons.name("surname", null), Comparisons.date("dob"));

    /** 90 Smiths and 2 Quigleys among 100 records: a shared Quigley is far rarer than a shared Smith. */
    static List<MatchRecord> population() {
        List<MatchRecord> records = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            records.add(new MatchRecord("s" + i, Map.of("surname", "smith")));
        }
        records.add(new MatchRecord("q1", Map.of("surname", "quigley")));
        records.add(new MatchRecord("q2", Map.of("surname", "quigley")));
        for (int i = 0; i < 8; i++) {
            records.add(new MatchRecord("o" + i, Map.of("surname", "other" + i)));
        }
        return records;
    }

    static FellegiSunterModel model(List<MatchRecord> records) {
        double[][] m = {{0.8, 0.05, 0.05, 0.05, 0.05}, {0.85, 0.1, 0.03, 0.02}};
        double[][] u = {{0.01, 0.001, 0.01, 0.02, 0.959}, {0.001, 0.002, 0.02, 0.977}};
        return new FellegiSunterModel(COMPARISONS, m, u, 0.001, 12,
                FellegiSunterModel.termFrequencies(records, COMPARISONS));
    }

    static MatchRecord person(String id, String surname, String dob) {
        return new MatchRecord(id, Map.of("surname", surname, "dob", dob));
    }

    @Test
    void matchWeightIsThePriorPlusTheLevelWeights() {
        FellegiSunterModel model = model(population());
        MatchRecord a = person("a", "other0", "1980-01-02");
        MatchRecord b = person("b", "other0x", "1980-01-03");

        double expected = FellegiSunterModel.log2(0.001 / 0.999) + FellegiSunterModel.log2(0.05 / 0.01)
                + FellegiSunterModel.log2(0.1 / 0.002);
        assertThat(Similarity.jaroWinkler("other0", "other0x")).isGreaterThanOrEqualTo(0.92);
        assertThat(model.matchWeight(a, b)).isCloseTo(expected, within(1e-9));
        assertThat(model.matchProbability(a, b)).isCloseTo(1 / (1 + Math.pow(2, -expected)), within(1e-12));
    }

    @Test
    void aMissingValueAddsNoEvidence() {
        FellegiSunterModel model = model(population());
        MatchRecord a = new MatchRecord("a", Map.of("dob", "1980-01-02"));
        MatchRecord b = person("b", "smith", "1980-01-02");

        assertThat(model.matchWeight(a, b)).isCloseTo(model.priorWeight() + model.weight(1, 0), within(1e-9));
    }

    @Test
    void agreeingOnARareSurnameCountsMoreThanOnACommonOne() {
        FellegiSunterModel model = model(population());

        double rare = model.matchWeight(person("q1", "quigley", "1980-01-02"), person("q2", "quigley", "1980-01-02"));
        double common = model.matchWeight(person("s1", "smith", "1980-01-02"), person("s2", "smith", "1980-01-02"));

        assertThat(rare).isGreaterThan(common);
        // u of the agreed value is its share of the records: 2/100 for Quigley, 90/100 for Smith
        assertThat(rare - common).isCloseTo(FellegiSunterModel.log2(0.90 / 0.02), within(1e-9));
    }

    @Test
    void printsEveryLevelWithItsMUAndWeight() {
        String printed = model(population()).describe();

        assertThat(printed).contains("prior λ = 0.001000", "surname", "dob", "exact", "jaro-winkler >= 0.92",
                "day-month transposed or one digit off", "(tf-adjusted)", "null");
        assertThat(printed).containsPattern("exact\\s+m=0\\.800000 u=0\\.010000 weight\\s+\\+6\\.32");
    }

    @Nested
    class Settings {

        @Test
        void thresholdsMustBeProbabilities() {
            assertThatThrownBy(() -> MatchSettings.of(List.of(BlockingRule.exact("dob")), COMPARISONS)
                    .withThresholds(1.5, 0.5)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aModelNeedsBlockingRulesAndComparisons() {
            assertThatThrownBy(() -> MatchSettings.of(List.of(), COMPARISONS))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
