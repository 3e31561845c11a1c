package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
