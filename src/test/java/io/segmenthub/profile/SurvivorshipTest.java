package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SurvivorshipTest {

    static final Instant JAN = Instant.parse("2026-01-15T10:00:00Z");
    static final Instant MAR = Instant.parse("2026-03-15T10:00:00Z");

    static SourceRecordStore.Facts record(long id, String system, Instant updated, List<String> present, List<String> invalid) {
        return new SourceRecordStore.Facts(id, system, system + "-" + id, updated, present, invalid, Optional.empty(), "run-1");
    }

    static SourceRecordStore.Facts valid(long id, String system, Instant updated) {
        return record(id, system, updated, List.of("email", "phone"), List.of());
    }

    final Survivorship mostRecent = new Survivorship(List.of());
    final Survivorship byPriority = new Survivorship(List.of("erp", "crm", "social", "web"));

    @Test
    void aValidValueBeatsAnInvalidOneEvenFromAHigherPriorityNewerRecord() {
        var erpInvalid = record(1, "erp", MAR, List.of("email"), List.of("email"));
        var webValid = record(2, "web", JAN, List.of("email"), List.of());

        assertThat(byPriority.winner(Attribute.EMAIL, List.of(erpInvalid, webValid))).contains(webValid);
        assertThat(mostRecent.winner(Attribute.EMAIL, List.of(erpInvalid, webValid))).contains(webValid);
    }

    @Test
    void theHigherPrioritySourceWinsOverAMoreRecentOne() {
        var crm = valid(1, "crm", JAN);
        var web = valid(2, "web", MAR);

        assertThat(byPriority.winner(Attribute.EMAIL, List.of(web, crm))).contains(crm);
    }

    @Test
    void aSourceMissingFromThePriorityListRanksLast() {
        var pos = valid(1, "pos", MAR);
        var web = valid(2, "web", JAN);

        assertThat(byPriority.winner(Attribute.EMAIL, List.of(pos, web))).contains(web);
    }

    @Test
    void withoutPriorityTheMostRecentlyUpdatedRecordWins() {
        var erp = valid(1, "erp", JAN);
        var web = valid(2, "web", MAR);

        assertThat(mostRecent.winner(Attribute.PHONE, List.of(erp, web))).contains(web);
        assertThat(mostRecent.winner(Attribute.PHONE, List.of(web, erp))).contains(web);
    }

    @Test
    void withinOneSourceTheMostRecentlyUpdatedRecordWins() {
        var older = valid(1, "crm", JAN);
        var newer = valid(2, "crm", MAR);

        assertThat(byPriority.winner(Attribute.EMAIL, List.of(newer, older))).contains(newer);
    }

    @Test
    void aFullTieGoesToTheNewestRecordWhateverTheOrder() {
        var first = valid(7, "crm", JAN);
        var second = valid(9, "crm", JAN);

        assertThat(mostRecent.winner(Attribute.EMAIL, List.of(first, second))).contains(second);
        assertThat(mostRecent.winner(Attribute.EMAIL, List.of(second, first))).contains(second);
    }

    @Test
    void namesTheRuleItApplies() {
        assertThat(mostRecent.ruleName()).isEqualTo(Survivorship.MOST_RECENT);
        assertThat(byPriority.ruleName()).isEqualTo(Survivorship.SOURCE_PRIORITY);
    }

    @Nested
    class RulesPerAttribute {

        final Survivorship rules = new Survivorship(List.of("erp", "crm", "social", "web"), java.util.Map.of(
                "street", Survivorship.LONGEST, "given_name", Survivorship.MOST_FREQUENT,
                "city", Survivorship.MOST_COMPLETE, "email", Survivorship.MOST_RECENT));

        @Test
        void longestPrefersTheFullerValueOverSourcePriority() {
            var erp = record(1, "erp", MAR, List.of("street"), List.of());
            var crm = record(2, "crm", JAN, List.of("street"), List.of());
            java.util.Map<Long, String> street = java.util.Map.of(1L, "1 High St", 2L, "Flat 2, 1 High Street");

            assertThat(rules.winner(Attribute.STREET, List.of(erp, crm), f -> Optional.ofNullable(street.get(f.id())))).contains(crm);
            assertThat(rules.ruleFor(Attribute.STREET)).isEqualTo("longest");
        }

        @Test
        void mostFrequentTakesTheValueMostRecordsAgreeOn() {
            var erp = record(1, "erp", MAR, List.of("given_name"), List.of());
            var crm = record(2, "crm", JAN, List.of("given_name"), List.of());
            var web = record(3, "web", JAN, List.of("given_name"), List.of());
            java.util.Map<Long, String> name = java.util.Map.of(1L, "Bob", 2L, "Robert", 3L, "robert ");

            assertThat(rules.winner(Attribute.GIVEN_NAME, List.of(erp, crm, web), f -> Optional.ofNullable(name.get(f.id())))).contains(crm);
        }

        @Test
        void mostCompleteTakesTheRecordWithTheMostValidAttributes() {
            var erp = record(1, "erp", MAR, List.of("city"), List.of());
            var web = record(2, "web", JAN, List.of("city", "email", "phone", "street"), List.of("phone"));

            assertThat(rules.winner(Attribute.CITY, List.of(erp, web))).contains(web);
        }

        @Test
        void mostRecentForOneAttributeWhileTheOthersKeepSourcePriority() {
            var erp = valid(1, "erp", JAN);
            var web = valid(2, "web", MAR);

            assertThat(rules.winner(Attribute.EMAIL, List.of(erp, web))).contains(web);
            assertThat(rules.winner(Attribute.PHONE, List.of(erp, web))).contains(erp);
            assertThat(rules.comparesValues()).isTrue();
        }

        @Test
        void anUnknownRuleOrAttributeIsRefusedNamingTheKey() {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Survivorship(List.of(), java.util.Map.of("email", "loudest")))
                    .hasMessageContaining("survivorship.rules.email").hasMessageContaining("loudest");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Survivorship(List.of(), java.util.Map.of("shoe_size", "longest")))
                    .hasMessageContaining("shoe_size");
        }
    }

    @Nested
    class NoWinner {

        @Test
        void whenNoRecordHasTheAttribute() {
            var record = record(1, "crm", JAN, List.of("email"), List.of());

            assertThat(byPriority.winner(Attribute.BIRTH_DATE, List.of(record))).isEmpty();
        }

        @Test
        void whenThereAreNoRecords() {
            assertThat(mostRecent.winner(Attribute.EMAIL, List.of())).isEmpty();
        }
    }
}
