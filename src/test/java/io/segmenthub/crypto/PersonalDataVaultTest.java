package io.segmenthub.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segmenthub.system.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Opening many sealed rows with their data keys read in the same query, as resolution and golden values do. */
class PersonalDataVaultTest {

    @TempDir
    Path dir;

    JdbcClient jdbc;
    PersonalDataVault vault;

    @BeforeEach
    void store() {
        DataSource ds = MemoryStore.migrated("vault");
        jdbc = JdbcClient.create(ds);
        MasterKeys keys = MasterKeys.openOrCreate(dir.resolve("keystore.bcfks"), "pw-for-tests".toCharArray());
        vault = new PersonalDataVault(new EnvelopeCipher(keys), jdbc, new NamedParameterJdbcTemplate(ds), Clock.systemUTC(),
                () -> keys);
    }

    /** What a caller reads: the row's ciphertext and, by LEFT JOIN, its wrapped data key (null when shredded). */
    Optional<byte[]> openJoined(PersonalDataVault.Sealed sealed, String aad) {
        return jdbc.sql("SELECT k.master_key_id, k.wrapped FROM (SELECT CAST(:id AS BIGINT) AS data_key_id) r "
                        + "LEFT JOIN data_key k ON k.id = r.data_key_id")
                .param("id", sealed.dataKeyId())
                .query((rs, n) -> vault.open(rs.getString(1), rs.getBytes(2), sealed.ciphertext(), aad))
                .single();
    }

    @Test
    void opensWithTheKeyReadAlongsideAndGivesNothingOnceTheKeyIsShredded() {
        List<PersonalDataVault.Sealed> sealed = vault.sealNew(List.of(
                new PersonalDataVault.Plain("{\"email\":\"ann@example.com\"}".getBytes(StandardCharsets.UTF_8), "crm/1"),
                new PersonalDataVault.Plain("{\"email\":\"bob@example.com\"}".getBytes(StandardCharsets.UTF_8), "crm/2")));

        assertThat(openJoined(sealed.get(0), "crm/1")).map(b -> new String(b, StandardCharsets.UTF_8))
                .contains("{\"email\":\"ann@example.com\"}");
        assertThat(openJoined(sealed.get(1), "crm/2")).map(b -> new String(b, StandardCharsets.UTF_8))
                .contains("{\"email\":\"bob@example.com\"}");
        assertThat(openJoined(sealed.get(1), "crm/2")).map(String::new)
                .isEqualTo(vault.open(sealed.get(1).dataKeyId(), sealed.get(1).ciphertext(), "crm/2").map(String::new));

        assertThat(vault.shred(sealed.get(0).dataKeyId())).isTrue();

        assertThat(openJoined(sealed.get(0), "crm/1")).isEmpty();
        assertThat(openJoined(sealed.get(1), "crm/2")).isPresent();
    }

    @Test
    void resealsManyValuesUnderTheirOwnKeysInTheOrderGivenAndNothingWhereTheKeyIsShredded() {
        List<PersonalDataVault.Sealed> sealed = vault.sealNew(List.of(
                new PersonalDataVault.Plain("{\"email\":\"ann@example.com\"}".getBytes(StandardCharsets.UTF_8), "crm/1"),
                new PersonalDataVault.Plain("{\"email\":\"bob@example.com\"}".getBytes(StandardCharsets.UTF_8), "crm/2"),
                new PersonalDataVault.Plain("{\"email\":\"cy@example.com\"}".getBytes(StandardCharsets.UTF_8), "crm/3")));
        assertThat(vault.shred(sealed.get(1).dataKeyId())).isTrue();

        List<Optional<byte[]>> again = vault.reseal(List.of(
                new PersonalDataVault.Reseal(sealed.get(2).dataKeyId(), plain("{\"email\":\"cy@example.org\"}", "crm/3")),
                new PersonalDataVault.Reseal(sealed.get(1).dataKeyId(), plain("{\"email\":\"bob@example.org\"}", "crm/2")),
                new PersonalDataVault.Reseal(sealed.get(0).dataKeyId(), plain("{\"email\":\"ann@example.org\"}", "crm/1"))));

        assertThat(again).hasSize(3);
        assertThat(again.get(1)).isEmpty();
        assertThat(vault.open(sealed.get(2).dataKeyId(), again.get(0).orElseThrow(), "crm/3").map(b -> new String(b, StandardCharsets.UTF_8)))
                .contains("{\"email\":\"cy@example.org\"}");
        assertThat(vault.open(sealed.get(0).dataKeyId(), again.get(2).orElseThrow(), "crm/1").map(b -> new String(b, StandardCharsets.UTF_8)))
                .contains("{\"email\":\"ann@example.org\"}");
        // each value is bound to its own row: the first one does not open as the last one's
        assertThatThrownBy(() -> vault.open(sealed.get(0).dataKeyId(), again.get(0).orElseThrow(), "crm/1"))
                .isInstanceOf(CryptoException.class);
        assertThat(vault.reseal(List.of())).isEmpty();
    }

    private static PersonalDataVault.Plain plain(String json, String aad) {
        return new PersonalDataVault.Plain(json.getBytes(StandardCharsets.UTF_8), aad);
    }

    @Test
    void aCiphertextMovedToAnotherRowDoesNotOpen() {
        PersonalDataVault.Sealed sealed = vault.sealNew("{\"phone\":\"+441234567890\"}".getBytes(StandardCharsets.UTF_8), "erp/7");

        assertThatThrownBy(() -> openJoined(sealed, "erp/8")).isInstanceOf(CryptoException.class);
    }
}
