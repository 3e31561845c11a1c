package io.segmenthub.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.crypto.EnvelopeCipher;
import io.segmenthub.crypto.MasterKeys;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.system.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A profile's surviving values, opened from the records survivorship chose, for one profile or a whole push list. */
class GoldenValuesTest {

    @TempDir
    Path dir;

    JdbcClient jdbc;
    PersonalDataVault vault;
    GoldenValues values;

    @BeforeEach
    void store() {
        DataSource ds = MemoryStore.migrated("golden-values");
        jdbc = JdbcClient.create(ds);
        MasterKeys keys = MasterKeys.openOrCreate(dir.resolve("keystore.bcfks"), "pw-for-tests".toCharArray());
        vault = new PersonalDataVault(new EnvelopeCipher(keys), jdbc, new NamedParameterJdbcTemplate(ds), Clock.systemUTC(), () -> keys);
        values = new GoldenValues(jdbc, vault, new ObjectMapper());
    }

    @Test
    void opensTheWantedValuesOfManyProfilesFromTheirSurvivingRecords() {
        long crm = record(1, "crm", "A", "{\"email\":\"ann@example.com\",\"phone\":\"+441632960001\"}", "{\"country\":\"GB\"}");
        long erp = record(2, "erp", "B", "{\"email\":\"ann.b@example.com\"}", "{}");
        long web = record(3, "web", "C", "{\"email\":\"bob@example.com\"}", "{}");
        survives("G-ANN", "email", erp);
        survives("G-ANN", "phone", crm);
        survives("G-ANN", "country", crm);
        survives("G-BOB", "email", web);
        // more profiles than one IN list holds, none of them with a value
        List<String> others = IntStream.range(0, 1_500).mapToObj(n -> "G-" + n).toList();

        Map<String, Map<Attribute, String>> opened = values.of(
                Stream.concat(others.stream(), Stream.of("G-ANN", "G-BOB", "G-ANN")).toList(),
                Set.of(Attribute.EMAIL, Attribute.PHONE));

        assertThat(opened).containsOnlyKeys("G-ANN", "G-BOB");
        assertThat(opened.get("G-ANN")).containsExactlyInAnyOrderEntriesOf(Map.of(Attribute.EMAIL, "ann.b@example.com",
                Attribute.PHONE, "+441632960001"));
        assertThat(opened.get("G-BOB")).containsExactlyEntriesOf(Map.of(Attribute.EMAIL, "bob@example.com"));
        assertThat(values.of("G-ANN", Set.of(Attribute.EMAIL))).containsExactlyEntriesOf(Map.of(Attribute.EMAIL, "ann.b@example.com"));
    }

    @Test
    void aRecordHoldingSeveralPushedFieldsIsOpenedOnce() {
        long web = record(4, "web", "D", "{\"email\":\"cy@example.com\",\"phone\":\"+441632960004\"}", "{}");
        survives("G-CY", "email", web);
        survives("G-CY", "phone", web);
        PersonalDataVault counted = spy(vault);

        Map<String, Map<Attribute, String>> opened = new GoldenValues(jdbc, counted, new ObjectMapper())
                .of(List.of("G-CY"), Set.of(Attribute.EMAIL, Attribute.PHONE));

        assertThat(opened.get("G-CY")).containsExactlyInAnyOrderEntriesOf(Map.of(Attribute.EMAIL, "cy@example.com",
                Attribute.PHONE, "+441632960004"));
        verify(counted, times(1)).open(anyString(), any(byte[].class), any(byte[].class), eq("web/D"));
    }

    @Test
    void aShreddedRecordOpensToNothing() {
        long web = record(3, "web", "C", "{\"email\":\"bob@example.com\"}", "{}");
        survives("G-BOB", "email", web);
        long key = jdbc.sql("SELECT data_key_id FROM source_record WHERE id = 3").query(Long.class).single();
        vault.shred(key);

        assertThat(values.of(List.of("G-BOB"), Set.of(Attribute.EMAIL))).isEmpty();
        assertThat(values.of("G-BOB", Set.of(Attribute.EMAIL))).isEmpty();
    }

    long record(long id, String system, String recordId, String sealedJson, String openJson) {
        PersonalDataVault.Sealed sealed = vault.sealNew(sealedJson.getBytes(StandardCharsets.UTF_8), system + "/" + recordId);
        jdbc.sql("""
                        INSERT INTO source_record (id, system, record_id, connector_id, source_updated_at, ingested_at, run_id, data_key_id, pii,
                                                   attributes, present, invalid, content_hash)
                        VALUES (:id, :system, :record, 'crm', :at, :at, 'run-1', :key, :pii, :attributes, '', '', 'hash')""")
                .param("id", id).param("system", system).param("record", recordId).param("key", sealed.dataKeyId())
                .param("pii", sealed.ciphertext()).param("attributes", openJson)
                .param("at", Timestamp.from(Instant.parse("2026-03-01T08:00:00Z"))).update();
        return id;
    }

    void survives(String golden, String attribute, long recordId) {
        jdbc.sql("INSERT INTO golden_attribute (golden_id, attribute, source_record_id, rule) VALUES (:g, :a, :r, 'most-recent')")
                .param("g", golden).param("a", attribute).param("r", recordId).update();
    }
}
