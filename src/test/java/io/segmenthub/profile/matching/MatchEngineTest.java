package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MatchEngineTest {

    static final String[] GIVEN = {"anna", "ben", "carla", "dmitri", "elif", "farid", "greta", "hugo", "ines", "jonas",
            "kira", "lars", "maya", "nils", "olga", "piet", "quinn", "rosa", "sven", "tara"};
    static final String[] FAMILY = {"adler", "berger", "castro", "dubois", "eriksen", "fischer", "garcia", "huber",
            "ivanov", "jansen", "kowalski", "lindqvist", "moreau", "novak", "ortega", "petrov", "quist", "rossi"};

    /** 300 made-up people, a third of them entered twice with a typo in the name or the birth day. */
    static List<MatchRecord> people() {
        SplittableRandom random = new SplittableRandom(5);
        List<MatchRecord> records = new ArrayList<>();
        for (int p = 0; p < 300; p++) {
            String given = GIVEN[random.nextInt(GIVEN.length)];
            String family = FAMILY[random.nextInt(FAMILY.length)];
            String dob = String.format("19%02d-%02d-%02d", 40 + random.nextInt(60), 1 + random.nextInt(12),
                    1 + random.nextInt(28));
            String email = mailbox(random) + "@example.com";
            records.add(new MatchRecord("p" + p + "-a", Map.of("given", given, "family", family, "dob", dob, "email", email)));
            if (p % 3 == 0) {
                String typo = family.substring(0, family.length() - 1) + "x";
                records.add(new MatchRecord("p" + p + "-b", Map.of("given", given, "family", typo, "dob", dob, "email", email)));
            }
        }
        return records;
    }

    static String mailbox(SplittableRandom random) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            name.append((char) ('a' + random.nextInt(26)));
        }
        return name.toString();
    }

    static MatchSettings settings() {
        return MatchSettings.of(
                List.of(BlockingRule.exact("email"), BlockingRule.exact("dob"),
                        BlockingRule.on("given + family metaphone", BlockingKeys.exact("given"),
                                BlockingKeys.doubleMetaphone("family"))),
                List.of(Comparisons.name("given", "family"), Comparisons.name("family", "given"),
                        Comparisons.date("dob"), Comparisons.email("email")));
    }

    @Test
    void findsTheDuplicatesOfMadeUpPeople() {
        List<MatchRecord> records = people();

        MatchResult result = new MatchEngine(settings()).resolve(records);

        List<List<String>> truth = new ArrayList<>();
        for (int p = 0; p < 300; p++) {
            truth.add(p % 3 == 0 ? List.of("p" + p + "-a", "p" + p + "-b") : List.of("p" + p + "-a"));
        }
        assertThat(Evaluation.ofClusters(result.clusters(), truth).f1()).isEqualTo(1.0);
        assertThat(result.clusters()).hasSize(300);
    }

    @Test
    void theSameRecordsGiveTheSameResult() {
        List<MatchRecord> records = people();

        MatchResult first = new MatchEngine(settings()).resolve(records);
        MatchResult second = new MatchEngine(settings()).resolve(records);

        assertThat(second.model().describe()).isEqualTo(first.model().describe());
        assertThat(second.matches()).isEqualTo(first.matches());
        assertThat(second.clusters()).isEqualTo(first.clusters());
    }

    @Test
    void aTrainedModelCanBeReused() {
        List<MatchRecord> records = people();
        MatchEngine engine = new MatchEngine(settings());

        FellegiSunterModel model = engine.train(records);

        assertThat(engine.resolve(records, model).clusters()).isEqualTo(engine.resolve(records).clusters());
        assertThat(model.iterations()).isGreaterThan(1);
        assertThat(model.lambda()).isBetween(0.0, 0.01);
    }

    @Nested
    class Linkage {

        @Test
        void onlyPairsAcrossTheTwoSourcesAreComparedAndClustered() {
            List<MatchRecord> people = people();
            List<MatchRecord> left = new ArrayList<>();
            List<MatchRecord> right = new ArrayList<>();
            for (MatchRecord r : people) {
                (r.id().endsWith("-a") ? left : right).add(r);
            }
            // a duplicate inside the left source: linkage must not pair it with its twin
            MatchRecord twin = left.get(0);
            left.add(new MatchRecord("twin", twin.fields()));

            MatchResult result = new MatchEngine(settings()).link(left, right);

            assertThat(result.matches()).isNotEmpty().allSatisfy(p ->
                    assertThat(p.pair().left().endsWith("-a") || p.pair().left().equals("twin"))
                            .isNotEqualTo(p.pair().right().endsWith("-a") || p.pair().right().equals("twin")));
            assertThat(result.matchedPairs()).doesNotContain(RecordPair.of(twin.id(), "twin"));
            assertThat(result.clusters()).noneMatch(c -> c.contains("twin") && c.contains(twin.id()));
            List<List<String>> truth = new ArrayList<>();
            for (int p = 0; p < 300; p += 3) {
                truth.add(List.of("p" + p + "-a", "p" + p + "-b"));
            }
            Set<RecordPair> withoutTwin = new HashSet<>(result.matchedPairs());
            withoutTwin.removeIf(p -> p.left().equals("twin") || p.right().equals("twin"));
            assertThat(Evaluation.ofPairs(withoutTwin, Evaluation.pairsOf(truth)).f1()).isEqualTo(1.0);
        }
    }

    @Nested
    class HouseholdGuard {

        /**
         * Two people at one address with one landline, one family e-mail and one family name: only
         * given name and birth date differ.
         */
        List<MatchRecord> household() {
            List<MatchRecord> records = new ArrayList<>(people());
            for (int h = 0; h < 40; h++) {
                String family = FAMILY[h % FAMILY.length] + "-" + GIVEN[h % GIVEN.length];
                Map<String, String> shared = Map.of("family", family, "phone", "+44161" + (4_000_000 + h),
                        "street", (h + 1) + " mill lane", "email", "home" + h + "@example.net");
                String parentBorn = (1950 + h) + "-03-14";
                records.add(new MatchRecord("h" + h + "-1", with(shared, "given", "anna", "dob", parentBorn)));
                records.add(new MatchRecord("h" + h + "-1b", with(shared, "given", "anna", "dob", parentBorn)));
                records.add(new MatchRecord("h" + h + "-2", with(shared, "given", "hugo", "dob", (1990 + h % 10) + "-11-27")));
            }
            return records;
        }

        Map<String, String> with(Map<String, String> shared, String... more) {
            Map<String, String> fields = new java.util.HashMap<>(shared);
            for (int i = 0; i < more.length; i += 2) {
                fields.put(more[i], more[i + 1]);
            }
            return fields;
        }

        MatchSettings householdSettings() {
            return MatchSettings.of(
                    List.of(BlockingRule.exact("email"), BlockingRule.exact("dob"), BlockingRule.exact("phone")),
                    List.of(Comparisons.name("given", "family"), Comparisons.name("family", "given"),
                            Comparisons.date("dob"), Comparisons.email("email"), Comparisons.exact("phone", false),
                            Comparisons.text("street")));
        }

        @Test
        void keepsApartPeopleWhoShareAnAddressAndLandlineButNotANameOrBirthDate() {
            MatchResult result = new MatchEngine(householdSettings().withGuard("given", "dob")).resolve(household());

            assertThat(result.matchedPairs()).contains(RecordPair.of("h0-1", "h0-1b"))
                    .doesNotContain(RecordPair.of("h0-1", "h0-2"), RecordPair.of("h0-1b", "h0-2"));
            assertThat(result.clusters()).noneMatch(c -> c.contains("h0-1") && c.contains("h0-2"));
        }

        @Test
        void withoutTheGuardTheSharedHouseholdOutweighsTheDifferences() {
            MatchResult result = new MatchEngine(householdSettings()).resolve(household());

            assertThat(result.matchedPairs()).contains(RecordPair.of("h0-1", "h0-2"));
        }

        @Test
        void aGuardMustNameConfiguredComparisons() {
            assertThatThrownBy(() -> householdSettings().withGuard("given", "shoe_size"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shoe_size");
        }
    }

    @Nested
    class RejectedInput {

        @Test
        void recordIdsMustBeUnique() {
            List<MatchRecord> records = List.of(new MatchRecord("r1", Map.of("email", "a@example.com")),
                    new MatchRecord("r1", Map.of("email", "a@example.com")));

            assertThatThrownBy(() -> new MatchEngine(settings()).resolve(records))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("r1");
        }

        @Test
        void learningNeedsCandidatePairs() {
            List<MatchRecord> records = List.of(new MatchRecord("r1", Map.of("email", "a@example.com")),
                    new MatchRecord("r2", Map.of("email", "b@example.com")));

            assertThatThrownBy(() -> new MatchEngine(settings()).train(records))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no candidate pairs");
        }

        @Test
        void blankValuesCountAsMissing() {
            MatchRecord record = new MatchRecord("r1", Map.of("email", " ", "given", "ann"));

            assertThat(record.field("email")).isEmpty();
            assertThat(record.field("given")).contains("ann");
        }
    }
}
