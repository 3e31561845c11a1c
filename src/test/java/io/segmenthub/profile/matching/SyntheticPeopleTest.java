package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SyntheticPeopleTest {

    static List<SyntheticPeople.Person> people(long seed, int count) {
        List<SyntheticPeople.Person> out = new ArrayList<>();
        new SyntheticPeople(seed).forEach(count, out::add);
        return out;
    }

    static Collection<List<String>> truth(SyntheticPeople.Generated generated) {
        Map<String, List<String>> clusters = new TreeMap<>();
        generated.personOf().forEach((record, person) -> clusters.computeIfAbsent(person, k -> new ArrayList<>()).add(record));
        return clusters.values();
    }

    @Test
    void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
        assertThat(people(7, 2_000)).isEqualTo(people(7, 2_000));
        assertThat(people(8, 2_000)).isNotEqualTo(people(7, 2_000));
        assertThat(people(7, 500)).isEqualTo(people(7, 2_000).subList(0, 500));
    }

    @Test
    void producesExactlyTheRequestedRecordsWithUniqueIdsAndPeopleEnteredSeveralTimes() {
        SyntheticPeople.Generated generated = new SyntheticPeople(1).generate(10_000);

        assertThat(generated.records()).hasSize(10_000);
        assertThat(generated.records().stream().map(MatchRecord::id).distinct()).hasSize(10_000);
        assertThat(generated.personOf()).hasSize(10_000);
        Map<Integer, Integer> sizes = new HashMap<>();
        truth(generated).forEach(c -> sizes.merge(c.size(), 1, Integer::sum));
        assertThat(sizes.get(1)).isGreaterThan(3_000);
        assertThat(sizes.keySet()).contains(2, 3, 4);
    }

    @Test
    void carriesTheNoiseRealCustomerDataHas() {
        List<SyntheticPeople.Person> people = people(3, 20_000);

        assertThat(people).anyMatch(p -> p.familyName().codePoints().anyMatch(c -> Character.UnicodeScript.of(c)
                == Character.UnicodeScript.HAN));
        assertThat(people).anyMatch(p -> p.email().isEmpty()).anyMatch(p -> p.birthDate().isEmpty());
        assertThat(people).anyMatch(p -> p.phone().orElse("").startsWith("+44 "))
                .anyMatch(p -> p.phone().orElse("").startsWith("("));
        // some person entered twice under a nickname, and two people sharing an address and a landline
        Map<String, Set<String>> givenByPerson = new HashMap<>();
        Map<String, Set<String>> peopleByPhone = new HashMap<>();
        for (SyntheticPeople.Person p : people) {
            givenByPerson.computeIfAbsent(p.personId(), k -> new HashSet<>()).add(p.givenName().toLowerCase());
            p.phone().ifPresent(ph -> peopleByPhone.computeIfAbsent(SyntheticPeople.e164(ph), k -> new HashSet<>())
                    .add(p.personId()));
        }
        assertThat(givenByPerson.values()).anyMatch(names -> names.contains("robert") && names.contains("bob"));
        assertThat(peopleByPhone.values()).anyMatch(ids -> ids.size() > 1);
    }

    @Test
    void twoPeopleNeverShareAMailboxOrAMobileNumberHoweverCommonTheirNames() {
        // 60,000 records hold many namesakes (a few hundred given and family names): before this rule
        // two Robert Smiths both wrote robert.smith@…, and a million records matched at precision 0.61
        Map<String, Set<String>> peopleByMailbox = new HashMap<>();
        Map<String, Set<String>> peopleByMobile = new HashMap<>();
        String previous = null;
        for (SyntheticPeople.Person p : people(5, 60_000)) {
            boolean first = !p.personId().equals(previous); // a person's first record carries no typos
            previous = p.personId();
            if (first) {
                p.email().ifPresent(e -> peopleByMailbox.computeIfAbsent(e.substring(0, e.indexOf('@')), k -> new HashSet<>())
                        .add(p.personId()));
            }
            p.phone().map(SyntheticPeople::e164).filter(n -> n.startsWith("+447"))
                    .ifPresent(n -> peopleByMobile.computeIfAbsent(n, k -> new HashSet<>()).add(p.personId()));
        }

        assertThat(peopleByMailbox).hasSizeGreaterThan(20_000);
        assertThat(peopleByMailbox.values()).allMatch(ids -> ids.size() == 1);
        assertThat(peopleByMobile.values()).allMatch(ids -> ids.size() == 1);
        assertThat(peopleByMailbox.keySet()).anyMatch(m -> m.matches("[a-z]+\\.[a-z]+\\d+")); // robert.smith2
    }

    @Test
    void formattedPhonesNormaliseToOneNumber() {
        assertThat(List.of("02079460123", "+44 2079 460123", "(02079) 460123", "0044-2079460123", "02079 460 123")
                .stream().map(SyntheticPeople::e164).distinct()).containsExactly("+442079460123");
    }

    @Test
    void theResolverFindsTheGeneratedTruth() {
        SyntheticPeople.Generated generated = new SyntheticPeople(5).generate(2_000);

        MatchResult result = new MatchEngine(SyntheticPeople.settings()).resolve(generated.records());

        Evaluation clusters = Evaluation.ofClusters(result.clusters(), truth(generated));
        assertThat(clusters.precision()).as(clusters.toString()).isGreaterThan(0.98);
        assertThat(clusters.recall()).as(clusters.toString()).isGreaterThan(0.95);
    }
}
