package io.segmenthub.profile;

import io.segmenthub.profile.matching.Comparison;
import io.segmenthub.profile.matching.FellegiSunterModel;
import io.segmenthub.profile.matching.MatchRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GuardedLinkingTest {

    final List<Comparison> comparisons = ProbabilisticLinks.settings().comparisons();
    final GuardedLinking linking = new GuardedLinking(comparisons);
    final Map<Long, MatchRecord> open = new HashMap<>();

    void person(long id, String... fieldValues) {
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i < fieldValues.length; i += 2) {
            fields.put(fieldValues[i], fieldValues[i + 1]);
        }
        open.put(id, new MatchRecord(String.valueOf(id), fields));
    }

    static GuardedLinking.Candidate pair(long a, long b, double weight) {
        return new GuardedLinking.Candidate(a, b, weight, FellegiSunterModel.probability(weight), "{}", false);
    }

    static GuardedLinking.Candidate sharedPhone(long a, long b) {
        return new GuardedLinking.Candidate(a, b, Double.POSITIVE_INFINITY, 1, "{\"sharedPhone\":true}", true);
    }

    List<List<Long>> alone() {
        List<List<Long>> groups = new ArrayList<>();
        open.keySet().stream().sorted().forEach(id -> groups.add(List.of(id)));
        return groups;
    }

    @Nested
    class Household {

        @Test
        void twoPeopleAtOneAddressWithOneLandlineButDifferentGivenNamesStayApart() {
            person(1, "given_name", "anna", "family_name", "smith", "street", "1 high street", "phone", "+442079460001");
            person(2, "given_name", "thomas", "family_name", "smith", "street", "1 high street", "phone", "+442079460001");

            var outcome = linking.link(alone(), List.of(sharedPhone(1, 2), pair(1, 2, 12)), open);

            assertThat(outcome.joined()).isEmpty();
            assertThat(outcome.vetoed()).isEqualTo(2);
        }

        @Test
        void twinsWithTheSameNameButDifferentBirthDatesStayApart() {
            person(1, "given_name", "wei", "family_name", "zhang", "birth_date", "1980-03-04", "phone", "+8613800000001");
            person(2, "given_name", "wei", "family_name", "zhang", "birth_date", "2009-11-20", "phone", "+8613800000001");

            assertThat(linking.link(alone(), List.of(sharedPhone(1, 2)), open).joined()).isEmpty();
        }

        @Test
        void theSamePersonAtTheSameAddressJoins() {
            person(1, "given_name", "robert", "family_name", "smith", "street", "1 high street", "birth_date", "1980-03-04");
            person(2, "given_name", "bob", "family_name", "smith", "street", "1 high street", "birth_date", "1980-04-03");

            assertThat(linking.link(alone(), List.of(pair(1, 2, 9)), open).joined()).singleElement()
                    .satisfies(c -> assertThat(c.left()).isEqualTo(1));
        }

        @Test
        void aTypoInTheGivenNameOfSomeoneBornTheSameDayIsNoSibling() {
            // "rschard" is in the looser Jaro-Winkler band of "richard" (0.91 < 0.92), not a clearly different name
            person(1, "given_name", "richard", "family_name", "marshall", "birth_date", "1967-10-06", "phone", "+447769191136");
            person(2, "given_name", "rschard", "family_name", "marshall", "birth_date", "1967-10-06", "phone", "+447769191136");

            assertThat(linking.link(alone(), List.of(sharedPhone(1, 2)), open).joined()).hasSize(1);
        }

        @Test
        void aSimilarGivenNameWithoutTheSameBirthDateStaysApart() {
            person(1, "given_name", "john", "family_name", "smith", "street", "1 high street", "phone", "+442079460001");
            person(2, "given_name", "joan", "family_name", "smith", "street", "1 high street", "phone", "+442079460001");
            person(3, "given_name", "joan", "family_name", "smith", "street", "1 high street", "birth_date", "1971-02-03");
            person(4, "given_name", "john", "family_name", "smith", "street", "1 high street", "birth_date", "1971-02-04");

            var outcome = linking.link(alone(), List.of(sharedPhone(1, 2), pair(3, 4, 14)), open);

            assertThat(outcome.joined()).isEmpty();
            assertThat(outcome.vetoed()).isEqualTo(2);
        }

        @Test
        void twinsBornTheSameDayWithDifferentGivenNamesStayApart() {
            person(1, "given_name", "anna", "family_name", "smith", "birth_date", "2001-05-05", "phone", "+442079460001");
            person(2, "given_name", "thomas", "family_name", "smith", "birth_date", "2001-05-05", "phone", "+442079460001");

            assertThat(linking.link(alone(), List.of(sharedPhone(1, 2)), open).joined()).isEmpty();
        }

        @Test
        void oneRecordWithoutABirthDateCannotChainAParentAndAChildTogether() {
            person(1, "given_name", "wei", "family_name", "zhang", "birth_date", "1960-01-01", "street", "人民路1号");
            person(2, "given_name", "wei", "family_name", "zhang", "street", "人民路1号");
            person(3, "given_name", "wei", "family_name", "zhang", "birth_date", "1990-06-06", "street", "人民路1号");

            var outcome = linking.link(alone(), List.of(pair(1, 2, 15), pair(2, 3, 14)), open);

            assertThat(outcome.joined()).extracting(GuardedLinking.Candidate::right).containsExactly(2L);
            assertThat(outcome.vetoed()).isEqualTo(1);
        }
    }

    @Test
    void namesAndATownAloneDoNotJoinTwoRecords() {
        person(1, "given_name", "wei", "family_name", "zhang", "city", "上海");
        person(2, "given_name", "wei", "family_name", "zhang", "city", "上海");

        var outcome = linking.link(alone(), List.of(pair(1, 2, 20)), open);

        assertThat(outcome.joined()).isEmpty();
        assertThat(outcome.uncorroborated()).isEqualTo(1);
    }

    @Test
    void recordsAlreadyTogetherNeedNoLinkAndTheGuardSeesTheWholeGroup() {
        person(1, "given_name", "anna", "birth_date", "1980-01-01", "email", "a@example.org");
        person(2, "given_name", "anna", "email", "a@example.org");
        person(3, "given_name", "anna", "birth_date", "1999-09-09", "email", "a@example.org");

        var outcome = linking.link(List.of(List.of(1L, 2L), List.of(3L)), List.of(pair(1, 2, 30), pair(2, 3, 10)), open);

        assertThat(outcome.joined()).isEmpty();
    }

    @Test
    void aCommonSurnameCountsLessThanARareOne() {
        int family = 1;
        assertThat(comparisons.get(family).field()).isEqualTo("family_name");
        double[][] m = new double[comparisons.size()][];
        double[][] u = new double[comparisons.size()][];
        List<Map<String, Double>> tf = new ArrayList<>();
        for (int c = 0; c < comparisons.size(); c++) {
            int levels = comparisons.get(c).levels().size();
            m[c] = new double[levels];
            u[c] = new double[levels];
            java.util.Arrays.fill(m[c], 1.0 / levels);
            java.util.Arrays.fill(u[c], 1.0 / levels);
            tf.add(c == family ? Map.of("smith", 0.2, "okonkwo", 0.001) : Map.of());
        }
        var model = FellegiSunterModel.restore(comparisons, m, u, 0.001, 1, tf);
        var smith1 = new MatchRecord("1", Map.of("family_name", "smith"));
        var smith2 = new MatchRecord("2", Map.of("family_name", "smith"));
        var rare1 = new MatchRecord("3", Map.of("family_name", "okonkwo"));
        var rare2 = new MatchRecord("4", Map.of("family_name", "okonkwo"));

        double common = model.comparisonWeights(model.comparisonLevels(smith1, smith2), smith1, smith2)[family];
        double rare = model.comparisonWeights(model.comparisonLevels(rare1, rare2), rare1, rare2)[family];

        assertThat(rare).isGreaterThan(common + 7); // log2(0.2 / 0.001) ≈ 7.6 bits
        assertThat(model.matchWeight(rare1, rare2)).isGreaterThan(model.matchWeight(smith1, smith2));
    }
}
