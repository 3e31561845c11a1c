package io.segmenthub.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeysTest {

    private static final String PASSWORD = "correct-horse-battery-staple";

    @TempDir
    Path dir;

    @Test
    void createsKeystoreWithMasterKeyOneWhenFileIsMissing() {
        Path file = dir.resolve("keystore.bcfks");

        MasterKeys keys = MasterKeys.openOrCreate(file, PASSWORD.toCharArray());

        assertThat(keys.created()).isTrue();
        assertThat(keys.currentMasterKeyId()).isEqualTo("master-1");
        assertThat(file).exists().isNotEmptyFile();
    }

    @Test
    void createsMissingParentFolders() {
        Path file = dir.resolve("a/b/keystore.bcfks");

        MasterKeys.openOrCreate(file, PASSWORD.toCharArray());

        assertThat(file).exists();
    }

    @Test
    void reopeningAnExistingKeystoreDoesNotCreateItAgain() throws IOException {
        Path file = dir.resolve("keystore.bcfks");
        MasterKeys.openOrCreate(file, PASSWORD.toCharArray());
        byte[] before = Files.readAllBytes(file);

        MasterKeys reopened = MasterKeys.openOrCreate(file, PASSWORD.toCharArray());

        assertThat(reopened.created()).isFalse();
        assertThat(reopened.currentMasterKeyId()).isEqualTo("master-1");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void reopenedKeystoreGivesSameBlindIndexAndUnwrapsKeysWrappedBefore() {
        Path file = dir.resolve("keystore.bcfks");
        MasterKeys first = MasterKeys.openOrCreate(file, PASSWORD.toCharArray());
        DataKey dataKey = new EnvelopeCipher(first).newDataKey();
        String index = new BlindIndex(first).of("email", "ann@example.com");

        MasterKeys reopened = MasterKeys.openOrCreate(file, PASSWORD.toCharArray());

        assertThat(new BlindIndex(reopened).of("email", "ann@example.com")).isEqualTo(index);
        assertThat(new EnvelopeCipher(reopened).unwrap(dataKey.wrapped())).isEqualTo(dataKey.key());
    }

    @Test
    void twoNewKeystoresHoldDifferentKeys() {
        MasterKeys one = MasterKeys.openOrCreate(dir.resolve("one.bcfks"), PASSWORD.toCharArray());
        MasterKeys two = MasterKeys.openOrCreate(dir.resolve("two.bcfks"), PASSWORD.toCharArray());

        assertThat(one.masterKey("master-1")).get().isNotEqualTo(two.masterKey("master-1").orElseThrow());
        assertThat(one.indexRootKey()).isNotEqualTo(two.indexRootKey());
        assertThat(one.indexRootKey()).isNotEqualTo(one.masterKey("master-1").orElseThrow());
    }

    @Test
    void createdFileIsReadableAndWritableByOwnerOnly() throws IOException {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path file = dir.resolve("keystore.bcfks");

        MasterKeys.openOrCreate(file, PASSWORD.toCharArray());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void describesItselfWithoutKeyMaterial() {
        MasterKeys keys = MasterKeys.openOrCreate(dir.resolve("keystore.bcfks"), PASSWORD.toCharArray());

        assertThat(keys.toString()).isEqualTo("MasterKeys[current=master-1, masterKeys=[master-1]]");
    }

    @Nested
    class Fails {

        @Test
        void onWrongPasswordNamingTheFileButNeitherPassword() {
            Path file = dir.resolve("keystore.bcfks");
            MasterKeys.openOrCreate(file, PASSWORD.toCharArray());
            String wrong = "wrong-password-9731";

            assertThatThrownBy(() -> MasterKeys.openOrCreate(file, wrong.toCharArray()))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining(file.toString())
                    .satisfies(e -> assertThat(messagesOfCauseChain(e))
                            .doesNotContain(wrong)
                            .doesNotContain(PASSWORD));
        }

        @Test
        void onCorruptFileNamingTheFile() throws IOException {
            Path file = dir.resolve("keystore.bcfks");
            Files.writeString(file, "not a keystore");

            assertThatThrownBy(() -> MasterKeys.openOrCreate(file, PASSWORD.toCharArray()))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining(file.toString());
            assertThat(file).hasContent("not a keystore");
        }

        @Test
        void onOneFlippedByteInTheFile() throws IOException {
            Path file = dir.resolve("keystore.bcfks");
            MasterKeys.openOrCreate(file, PASSWORD.toCharArray());
            byte[] content = Files.readAllBytes(file);
            content[content.length / 2] ^= 0x01;
            Files.write(file, content);

            assertThatThrownBy(() -> MasterKeys.openOrCreate(file, PASSWORD.toCharArray()))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining(file.toString());
        }

        @Test
        void onEmptyPasswordWithoutCreatingTheFile() {
            Path file = dir.resolve("keystore.bcfks");

            assertThatThrownBy(() -> MasterKeys.openOrCreate(file, new char[0]))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining(file.toString());
            assertThat(file).doesNotExist();
        }

        @Test
        void whenThePathIsAFolder() throws IOException {
            Path folder = Files.createDirectory(dir.resolve("keystore.bcfks"));

            assertThatThrownBy(() -> MasterKeys.openOrCreate(folder, PASSWORD.toCharArray()))
                    .isInstanceOf(CryptoException.class)
                    .hasMessageContaining(folder.toString());
        }

        private static String messagesOfCauseChain(Throwable e) {
            StringBuilder messages = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.append(t).append('\n');
            }
            return messages.toString();
        }
    }
}
