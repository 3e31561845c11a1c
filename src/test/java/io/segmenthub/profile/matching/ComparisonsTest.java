package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ComparisonsTest {

    static MatchRecord person(String given, String family) {
        return new MatchRecord("p-" + given + "-" + family, Map.of("given", given, "family", family));
    }

    static MatchRecord with(String field, String value) {
        return new MatchRecord("r-" + value, Map.of(field, value));
    }

    static String nameLevel(MatchRecord a, MatchRecord b) {
        Comparison given = Comparisons.name("given", "family");
        return given.label(given.level(a, b));
    }

    static String dateLevel(String a, String b) {
        Comparison dob = Comparisons.date("dob");
        return dob.label(dob.level(with("dob", a), new MatchRecord("other", Map.of("dob", b))));
    }

    @Test
    void identicalNamesAreExact() {
        assertThat(nameLevel(person("robert", "smith"), person("robert", "jones"))).isEqualTo("exact");
    }

    @Test
    void givenAndFamilyNameSwappedHaveTheirOwnLevel() {
        assertThat(nameLevel(person("smith", "robert"), person("robert", "smith"))).isEqualTo("swapped with family");
    }

    @Test
    void nicknamesOfOneNameAreVariants() {
        assertThat(nameLevel(person("bob", "smith"), person("robert", "smith"))).isEqualTo("nickname");
        assertThat(nameLevel(person("bill", "smith"), person("william", "smith"))).isEqualTo("nickname");
    }

    @Test
    void aTypoIsAHighJaroWinklerAgreement() {
        assertThat(nameLevel(person("jonathon", "x"), person("jonathan", "y"))).isEqualTo("jaro-winkler >= 0.92");
    }

    @Test
    void aLooserSpellingIsALowJaroWinklerAgreement() {
        assertThat(Similarity.jaroWinkler("katherine", "kathleen")).isBetween(0.80, 0.92);
        assertThat(nameLevel(person("katherine", "x"), person("kathleen", "y"))).isEqualTo("jaro-winkler >= 0.8");
    }

    @Test
    void differentNamesFallToElse() {
        assertThat(nameLevel(person("mary", "x"), person("robert", "y"))).isEqualTo("else");
    }

    @Test
    void hanziNameEqualsItsPinyin() {
        assertThat(nameLevel(person("伟", "张"), person("wei", "zhang"))).isEqualTo("exact");
    }

    @Test
    void aMissingValueOnEitherSideIsTheNullLevel() {
        Comparison given = Comparisons.name("given", "family");
        MatchRecord noName = new MatchRecord("n", Map.of("family", "smith"));

        assertThat(given.level(noName, person("robert", "smith"))).isEqualTo(Comparison.NULL_LEVEL);
        assertThat(given.level(person("robert", "smith"), noName)).isEqualTo(Comparison.NULL_LEVEL);
        assertThat(given.label(Comparison.NULL_LEVEL)).isEqualTo("null");
    }

    @Test
    void identicalDatesAreExact() {
        assertThat(dateLevel("1985-02-07", "1985-02-07")).isEqualTo("exact");
    }

    @Test
    void dayAndMonthTransposedIsNearlyTheSameDate() {
        assertThat(dateLevel("1985-02-07", "1985-07-02")).isEqualTo("day-month transposed or one digit off");
    }

    @Test
    void oneDigitOffIsNearlyTheSameDate() {
        assertThat(dateLevel("1985-02-07", "1985-02-08")).isEqualTo("day-month transposed or one digit off");
        assertThat(dateLevel("1985-02-07", "1958-02-07")).isEqualTo("day-month transposed or one digit off");
    }

    @Test
    void sameYearOnlyIsItsOwnLevel() {
        assertThat(dateLevel("1985-02-07", "1985-11-23")).isEqualTo("same year");
    }

    @Test
    void unrelatedDatesFallToElse() {
        assertThat(dateLevel("1985-02-07", "1971-11-23")).isEqualTo("else");
    }

    @Test
    void basicAndIsoLayoutsOfADateAgree() {
        assertThat(dateLevel("19850207", "1985-02-07")).isEqualTo("exact");
    }

    @Test
    void phonesAgreeOnlyExactly() {
        Comparison phone = Comparisons.exact("phone", false);
        MatchRecord a = with("phone", "+441632960001");

        assertThat(phone.label(phone.level(a, new MatchRecord("b", Map.of("phone", "+441632960001"))))).isEqualTo("exact");
        assertThat(phone.label(phone.level(a, new MatchRecord("b", Map.of("phone", "+441632960002"))))).isEqualTo("else");
    }

    @Test
    void anIdentifierWithOneTypoIsItsOwnLevel() {
        Comparison id = Comparisons.identifier("ssn");
        MatchRecord a = with("ssn", "1804974");

        assertThat(id.label(id.level(a, new MatchRecord("b", Map.of("ssn", "1809474"))))).isEqualTo("one typo");
        assertThat(id.label(id.level(a, new MatchRecord("b", Map.of("ssn", "1890447"))))).isEqualTo("else");
    }

    @Test
    void theSameMailboxAtAnotherDomainIsItsOwnLevel() {
        Comparison email = Comparisons.email("email");
        MatchRecord a = with("email", "ann.lee@example.com");

        assertThat(email.label(email.level(a, new MatchRecord("b", Map.of("email", "ann.lee@example.org")))))
                .isEqualTo("same mailbox name");
    }

    @Test
    void editDistanceCountsASwapOfNeighboursAsOneEdit() {
        assertThat(Similarity.editDistance("1234", "1243", 2)).isEqualTo(1);
        assertThat(Similarity.editDistance("1234", "2143", 2)).isEqualTo(2);
        assertThat(Similarity.editDistance("abc", "xyz", 1)).isEqualTo(2);
    }

    @Nested
    class RejectedDeclarations {

        @Test
        void aComparisonMustEndWithElse() {
            assertThatThrownBy(() -> new Comparison("phone", "phone", List.of(
                    ComparisonLevel.of("exact", (l, r) -> true), ComparisonLevel.of("close", (l, r) -> true))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("otherwise");
        }

        @Test
        void aComparisonNeedsMoreThanOneLevel() {
            assertThatThrownBy(() -> new Comparison("phone", "phone", List.of(ComparisonLevel.otherwise())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two levels");
        }
    }
}
