package io.segmenthub.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvelopeCipherTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PLAINTEXT = "ann.smith@example.com".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "customer:42/email".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;

    static EnvelopeCipher cipher;

    @BeforeAll
    static void openKeystore() {
        cipher = new EnvelopeCipher(MasterKeys.openOrCreate(dir.resolve("keystore.bcfks"), "pw-for-tests".toCharArray()));
    }

    @Test
    void sealThenOpenGivesThePlaintextBack() {
        byte[] key = cipher.newDataKey().key();

        byte[] sealed = cipher.seal(key, PLAINTEXT, AAD);

        assertThat(cipher.open(key, sealed, AAD)).isEqualTo(PLAINTEXT);
    }

    @Test
    void sealsAnEmptyPlaintext() {
        byte[] key = cipher.newDataKey().key();

        byte[] sealed = cipher.seal(key, new byte[0], AAD);

        assertThat(sealed).hasSize(1 + 12 + 16);
        assertThat(cipher.open(key, sealed, AAD)).isEmpty();
    }

    @Test
    void sealedBytesAreVersionNonceCiphertextAndTag() {
        byte[] sealed = cipher.seal(cipher.newDataKey().key(), PLAINTEXT, AAD);

        assertThat(sealed[0]).isEqualTo((byte) 0x01);
        assertThat(sealed).hasSize(1 + 12 + PLAINTEXT.length + 16);
    }

    @Test
    void sealedBytesDoNotContainThePlaintext() {
        byte[] sealed = cipher.seal(cipher.newDataKey().key(), PLAINTEXT, AAD);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(PLAINTEXT, StandardCharsets.ISO_8859_1))
                .doesNotContain("example");
    }

    @Test
    void twoSealsOfTheSamePlaintextDiffer() {
        byte[] key = cipher.newDataKey().key();

        byte[] first = cipher.seal(key, PLAINTEXT, AAD);
        byte[] second = cipher.seal(key, PLAINTEXT, AAD);

        assertThat(first).isNotEqualTo(second);
        assertThat(java.util.Arrays.copyOfRange(first, 1, 13))
                .isNotEqualTo(java.util.Arrays.copyOfRange(second, 1, 13));
    }

    @Test
    void opensAValueSealedByAnIndependentAesGcmImplementation() {
        // made with Python 'cryptography' AESGCM: key 00..1f, nonce cafebabefacedbaddecaf888
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] sealed = HEX.parseHex("01cafebabefacedbaddecaf888"
                + "ebcdce66cf022e76366738f31872e47fd0d17f6e44f4e9b5a637de6ea38a5e");

        byte[] opened = cipher.open(key, sealed, AAD);

        assertThat(new String(opened, StandardCharsets.UTF_8)).isEqualTo("ann@example.com");
    }

    @Test
    void newDataKeysAreRandom256BitKeysWrappedUnderTheCurrentMasterKey() {
        DataKey one = cipher.newDataKey();
        DataKey two = cipher.newDataKey();

        assertThat(one.key()).hasSize(32).isNotEqualTo(two.key());
        assertThat(one.wrapped().masterKeyId()).isEqualTo("master-1");
        assertThat(one.wrapped().wrapped()).hasSize(40).isNotEqualTo(two.wrapped().wrapped());
        assertThat(cipher.unwrap(one.wrapped())).isEqualTo(one.key());
    }

    @Test
    void wrapsAsRfc3394Section46Specifies() {
        byte[] kek = HEX.parseHex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
        byte[] keyData = HEX.parseHex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
        EnvelopeCipher known = new EnvelopeCipher(MasterKeys.inMemory(Map.of("master-1", kek), new byte[32]));

        WrappedKey wrapped = known.wrap(keyData, "master-1");

        assertThat(HEX.formatHex(wrapped.wrapped()))
                .isEqualTo("28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");
        assertThat(known.unwrap(wrapped)).isEqualTo(keyData);
    }

    /** Each thread keeps its own keyed wrap ciphers: keys wrapped and unwrapped on many threads at once all come back. */
    @Test
    void wrapsAndUnwrapsOnManyThreadsAtOnce() {
        java.util.List<DataKey> keys = java.util.stream.IntStream.range(0, 2_000).parallel().mapToObj(i -> cipher.newDataKey()).toList();

        assertThat(keys.parallelStream().filter(k -> java.util.Arrays.equals(cipher.unwrap(k.wrapped()), k.key())).count())
                .isEqualTo(2_000L);
    }

    /** A failed unwrap leaves the thread's cipher out, so the next key is unwrapped by a freshly keyed one. */
    @Test
    void unwrapsAGoodKeyAfterADamagedOne() {
        DataKey good = cipher.newDataKey();
        byte[] damaged = good.wrapped().wrapped();
        damaged[3] ^= 0x40;

        assertThatThrownBy(() -> cipher.unwrap(new WrappedKey(good.wrapped().masterKeyId(), damaged)))
                .hasMessageContaining("integrity check");
        assertThat(cipher.unwrap(good.wrapped())).isEqualTo(good.key());
    }

    @Test
    void dataKeyDescribesItselfWithoutTheKey() {
        DataKey dataKey = cipher.newDataKey();

        assertThat(dataKey.toString())
                .contains("<redacted>", "master-1")
                .doesNotContain(HEX.formatHex(dataKey.key()));
    }

    @Nested
    class Fails {

        @Test
        void toOpenWhenAnyOneByteIsChanged() {
            byte[] key = cipher.newDataKey().key();
            byte[] sealed = cipher.seal(key, PLAINTEXT, AAD);

            for (int i = 0; i < sealed.length; i++) {
                byte[] tampered = sealed.clone();
                tampered[i] ^= 0x01;
                int position = i;
                assertThatThrownBy(() -> cipher.open(key, tampered, AAD))
                        .as("flipped bit in byte %d", position)
                        .isInstanceOf(CryptoException.class)
                        .hasMessage("ciphertext failed authentication");
            }
        }

        @Test
        void toOpenWhenTruncated() {
            byte[] key = cipher.newDataKey().key();
            byte[] sealed = cipher.seal(key, PLAINTEXT, AAD);

            assertThatThrownBy(() -> cipher.open(key, java.util.Arrays.copyOf(sealed, sealed.length - 1), AAD))
                    .isInstanceOf(CryptoException.class)
                    .hasMessage("ciphertext failed authentication");
            assertThatThrownBy(() -> cipher.open(key, java.util.Arrays.copyOf(sealed, 5), AAD))
                    .isInstanceOf(CryptoException.class)
                    .hasMessage("ciphertext failed authentication");
        }

        @Test
        void toOpenWithTheAadOfAnotherRecord() {
            byte[] key = cipher.newDataKey().key();
            byte[] sealed = cipher.seal(key, PLAINTEXT, AAD);
            byte[] otherRecord = "customer:43/email".getBytes(StandardCharsets.UTF_8);

            assertThatThrownBy(() -> cipher.open(key, sealed, otherRecord))
                    .isInstanceOf(CryptoException.class)
                    .hasMessage("ciphertext failed authentication");
        }

        @Test
        void toOpenWithAnotherDataKey() {
            byte[] sealed = cipher.seal(cipher.newDataKey().key(), PLAINTEXT, AAD);
            byte[] otherKey = cipher.newDataKey().key();

            assertThatThrownBy(() -> cipher.open(otherKey, sealed, AAD))
                    .isInstanceOf(CryptoException.class)
                    .hasMessage("ciphertext failed authentication");
        }

        @Test
        void toSealWithAKeyThatIsNot256Bits() {
            assertThatThrownBy(() -> cipher.seal(new byte[16], PLAINTEXT, AAD))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining("32 bytes");
        }

        @Test
        void toUnwrapUnderAnUnknownMasterKeyId() {
            byte[] wrapped = cipher.newDataKey().wrapped().wrapped();

            assertThatThrownBy(() -> cipher.unwrap(new WrappedKey("master-7", wrapped)))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining("master-7");
        }

        @Test
        void toUnwrapADamagedWrappedKey() {
            WrappedKey good = cipher.newDataKey().wrapped();
            byte[] damaged = good.wrapped();
            damaged[damaged.length - 1] ^= 0x01;

            assertThatThrownBy(() -> cipher.unwrap(new WrappedKey(good.masterKeyId(), damaged)))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining("integrity check");
        }

        @Test
        void toUnwrapAKeyWrappedByAnotherKeystore(@TempDir Path otherDir) {
            EnvelopeCipher other = new EnvelopeCipher(
                    MasterKeys.openOrCreate(otherDir.resolve("other.bcfks"), "pw-for-tests".toCharArray()));
            WrappedKey foreign = other.newDataKey().wrapped();

            assertThatThrownBy(() -> cipher.unwrap(foreign))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining("integrity check");
        }

        @Test
        void toUnwrapBytesOfTheWrongLength() {
            assertThatThrownBy(() -> cipher.unwrap(new WrappedKey("master-1", new byte[7])))
                    .isInstanceOf(CryptoException.class);
        }
    }
}
