package io.segmenthub.crypto;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MasterKeyRotationTest {

    private static final char[] PASSWORD = "rotation-test-password".toCharArray();

    @TempDir
    Path dir;

    @Test
    void rotationAddsTheNextVersionAsCurrentAndOldWrapsStillOpen() throws Exception {
        Path file = dir.resolve("keys.bcfks");
        MasterKeys first = MasterKeys.openOrCreate(file, PASSWORD);
        DataKey key = new EnvelopeCipher(first).newDataKey();

        MasterKeys rotated = MasterKeys.rotate(file, PASSWORD);
        EnvelopeCipher cipher = new EnvelopeCipher(rotated);

        assertThat(rotated.currentMasterKeyId()).isEqualTo("master-2");
        assertThat(rotated.masterKeyIds()).containsExactly("master-1", "master-2");
        assertThat(cipher.unwrap(key.wrapped())).isEqualTo(key.key());
        WrappedKey rewrapped = cipher.rewrap(key.wrapped());
        assertThat(rewrapped.masterKeyId()).isEqualTo("master-2");
        assertThat(cipher.unwrap(rewrapped)).isEqualTo(key.key());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(new BlindIndex(rotated).of("email", "ada@example.org")).isEqualTo(new BlindIndex(first).of("email", "ada@example.org"));
    }

    @Test
    void retiringAnOldVersionRemovesItFromTheKeystore() {
        Path file = dir.resolve("keys.bcfks");
        MasterKeys.openOrCreate(file, PASSWORD);
        MasterKeys.rotate(file, PASSWORD);

        MasterKeys after = MasterKeys.retire(file, PASSWORD, "master-1");

        assertThat(after.masterKeyIds()).containsExactly("master-2");
        assertThat(MasterKeys.openOrCreate(file, PASSWORD).masterKeyIds()).containsExactly("master-2");
    }

    @Nested
    class Refuses {
        @Test
        void toRetireTheCurrentVersion() {
            Path file = dir.resolve("keys.bcfks");
            MasterKeys.openOrCreate(file, PASSWORD);

            assertThatThrownBy(() -> MasterKeys.retire(file, PASSWORD, "master-1"))
                    .isInstanceOf(CryptoException.class).hasMessageContaining("current master key");
        }

        @Test
        void toRotateWithTheWrongPasswordAndLeavesTheFileAsItWas() throws Exception {
            Path file = dir.resolve("keys.bcfks");
            MasterKeys.openOrCreate(file, PASSWORD);
            byte[] before = Files.readAllBytes(file);

            assertThatThrownBy(() -> MasterKeys.rotate(file, "wrong".toCharArray())).isInstanceOf(CryptoException.class);
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
        }
    }
}
