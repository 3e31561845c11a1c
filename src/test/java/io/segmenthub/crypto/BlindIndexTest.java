package io.segmenthub.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlindIndexTest {

    @TempDir
    static Path dir;

    static BlindIndex index;

    @BeforeAll
    static void openKeystore() {
        index = new BlindIndex(MasterKeys.openOrCreate(dir.resolve("keystore.bcfks"), "pw-for-tests".toCharArray()));
    }

    @Test
    void sameValueInSameDomainGivesSameIndex() {
        assertThat(index.of("email", "ann@example.com")).isEqualTo(index.of("email", "ann@example.com"));
    }

    @Test
    void differentValuesGiveDifferentIndexes() {
        assertThat(index.of("email", "ann@example.com")).isNotEqualTo(index.of("email", "bob@example.com"));
    }

    @Test
    void differentDomainsGiveDifferentIndexesForTheSameValue() {
        assertThat(index.of("email", "+31612345678")).isNotEqualTo(index.of("phone", "+31612345678"));
    }

    @Test
    void indexIsUnpaddedBase64UrlOf256Bits() {
        assertThat(index.of("email", "ann@example.com")).hasSize(43).matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    void indexDoesNotContainTheValue() {
        assertThat(index.of("email", "ann")).doesNotContain("ann");
    }

    @Test
    void anotherKeystoreGivesAnotherIndex(@TempDir Path otherDir) {
        BlindIndex other = new BlindIndex(
                MasterKeys.openOrCreate(otherDir.resolve("other.bcfks"), "pw-for-tests".toCharArray()));

        assertThat(other.of("email", "ann@example.com")).isNotEqualTo(index.of("email", "ann@example.com"));
    }

    @Test
    void matchesHkdfAndHmacComputedIndependently() {
        // expected values from Python: HKDF(SHA256, salt=None, info="segment-hub blind index " + domain)
        // over root key 00..1f, then HMAC-SHA256, base64url without padding
        byte[] rootKey = new byte[32];
        for (int i = 0; i < rootKey.length; i++) {
            rootKey[i] = (byte) i;
        }
        BlindIndex known = new BlindIndex(MasterKeys.inMemory(Map.of("master-1", new byte[32]), rootKey));

        assertThat(known.of("email", "ann@example.com")).isEqualTo("n_yLexpHvx5VLVf624ghue_oOLwEg0UmLXQiurt0_KM");
        assertThat(known.of("phone", "ann@example.com")).isEqualTo("yLfYpsBCf5LnlbtrLvyZDXEvh2xPZODljHYVe2P23QQ");
    }

    @Test
    void givesTheSameIndexesWhenCalledFromManyThreads() throws Exception {
        List<String> values = IntStream.range(0, 200).mapToObj(i -> "user" + i + "@example.com").toList();
        BlindIndex fresh = new BlindIndex(MasterKeys.openOrCreate(dir.resolve("keystore.bcfks"), "pw-for-tests".toCharArray()));
        Map<String, String> expected = values.stream().collect(Collectors.toMap(v -> v, v -> index.of("email", v)));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = pool.invokeAll(IntStream.range(0, 8)
                    .<java.util.concurrent.Callable<Boolean>>mapToObj(t -> () -> values.stream()
                            .allMatch(v -> fresh.of("email", v).equals(expected.get(v))))
                    .toList());
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Set.copyOf(expected.values())).hasSize(values.size());
    }

    @Nested
    class Fails {

        @Test
        void forABlankDomain() {
            assertThatThrownBy(() -> index.of(" ", "ann@example.com"))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageNotContaining("ann@example.com");
        }
    }
}
