package io.segmenthub.profile.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;
import org.junit.jupiter.api.Test;

class SimilarityTest {

    @Test
    void jaroWinklerAgreesWithCommonsTextOnRandomNames() {
        JaroWinklerSimilarity reference = new JaroWinklerSimilarity();
        SplittableRandom random = new SplittableRandom(11);
        String alphabet = "aeilnorst"; // few letters, so that strings share characters and transpositions occur
        for (int n = 0; n < 20_000; n++) {
            String a = word(random, alphabet);
            String b = random.nextInt(3) == 0 ? SyntheticPeople.typo(random, a) : word(random, alphabet);
            assertThat(Similarity.jaroWinkler(a, b)).as("%s / %s", a, b).isCloseTo(reference.apply(a, b), within(1e-12));
        }
    }

    @Test
    void jaroWinklerOfKnownPairs() {
        assertThat(Similarity.jaroWinkler("martha", "marhta")).isCloseTo(0.9611, within(1e-4));
        assertThat(Similarity.jaroWinkler("dixon", "dicksonx")).isCloseTo(0.8133, within(1e-4));
        assertThat(Similarity.jaroWinkler("abc", "xyz")).isZero();
        assertThat(Similarity.jaroWinkler("", "abc")).isZero();
        assertThat(Similarity.jaroWinkler("same", "same")).isEqualTo(1.0);
    }

    private static String word(SplittableRandom random, String alphabet) {
        StringBuilder out = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(12); i < n; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
