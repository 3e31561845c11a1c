package io.segmenthub.connector;

import static io.segmenthub.connector.ConnectorFixtures.all;
import static io.segmenthub.connector.ConnectorFixtures.drain;
import static io.segmenthub.connector.ConnectorFixtures.hubConfig;
import static io.segmenthub.connector.ConnectorFixtures.run;
import static io.segmenthub.connector.FileSourceTest.crm;
import static io.segmenthub.connector.FileSourceTest.ids;
import static io.segmenthub.connector.FileSourceTest.jsonContact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.ConnectorFixtures.HubStore;
import io.segmenthub.pipeline.Quarantined;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SourceRecord;
import io.segmenthub.profile.Attribute;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fixed cases of bad input in files, one kind per test: each row is either quarantined with a
 * reason that names no value, or read as documented, and the rows after it are still read.
 * {@link BadFileInputPropertiesTest} mixes these kinds at random.
 */
class BadFileInputTest {

    static final String HEADER = "contact_id,first_name,last_name,email,modified,email_opt_in\n";

    @TempDir
    Path dir;

    final HubStore store = new HubStore();

    @AfterEach
    void closeStore() {
        store.close();
    }

    List<SourceBatch> pull(FileFormat format, byte[] content) throws Exception {
        Path file = dir.resolve("contacts." + format.name().toLowerCase());
        Files.write(file, content);
        ConnectorConfig connector = crm(file, format, null, 3);
        var source = new FileSource(hubConfig(dir, List.of(connector), List.of()), new ObjectMapper(), store.watermarks());
        return drain(source.open(run("run-1", "crm"), "crm"));
    }

    List<SourceBatch> pull(FileFormat format, String content) throws Exception {
        return pull(format, content.getBytes(StandardCharsets.UTF_8));
    }

    static List<Quarantined> quarantined(List<SourceBatch> batches) {
        return all(batches, SourceBatch::quarantined);
    }

    static List<SourceRecord> records(List<SourceBatch> batches) {
        return all(batches, SourceBatch::records);
    }

    static int pulled(List<SourceBatch> batches) {
        return batches.stream().mapToInt(SourceBatch::size).sum();
    }

    static byte[] bytes(Object... parts) {
        var out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Nested
    class Csv {

        @Test
        void rowWithTooManyColumnsIsQuarantinedAndTheNextRowRead() throws Exception {
            List<SourceBatch> batches = pull(FileFormat.CSV, HEADER
                    + "C-1,Ada,Lovelace,ada@example.org,2026-01-01T10:00:00Z,true,surplus\n"
                    + "C-2,Bob,Stone,bob@example.org,2026-01-01T10:00:00Z,true\n");

            assertThat(ids(batches)).containsExactly("C-2");
            assertThat(quarantined(batches)).extracting(Quarantined::ref, Quarantined::reason)
                    .containsExactly(tuple("contacts.csv line 2", "row has 7 columns, the header has 6"));
        }

        @Test
        void unbalancedQuoteQuarantinesTheRestOfTheFileAsOneEntryAfterTheGoodRowsBeforeIt() throws Exception {
            List<SourceBatch> batches = pull(FileFormat.CSV, HEADER
                    + "C-1,Ada,Lovelace,ada@example.org,2026-01-01T10:00:00Z,true\n"
                    + "C-2,\"Bob,Stone,bob@example.org,2026-01-01T10:00:00Z,true\n"
                    + "C-3,Eve,Dark,eve@example.org,2026-01-01T10:00:00Z,true\n");

            assertThat(ids(batches)).containsExactly("C-1");
            assertThat(quarantined(batches)).singleElement().satisfies(q -> {
                assertThat(q.reason()).contains("malformed", "the rest of the file was not read");
                assertThat(q.reason()).doesNotContain("Bob", "bob@example.org");
            });
        }

        @Test
        void byteOrderMarkAndCrlfLineEndsAreReadAsPlainUtf8() throws Exception {
            List<SourceBatch> batches = pull(FileFormat.CSV, "\uFEFF" + HEADER.replace("\n", "\r\n")
                    + "C-1,Ada,Lovelace,ada@example.org,2026-01-01T10:00:00Z,true\r\n"
                    + "C-2,\"Bob\r\nthe second\",Stone,bob@example.org,2026-01-02T10:00:00Z,false\r\n");

            assertThat(ids(batches)).containsExactly("C-1", "C-2");
            assertThat(records(batches).get(0).consents()).singleElement().satisfies(c -> assertThat(c.status().name()).isEqualTo("GRANTED"));
            assertThat(records(batches).get(1).identity()).containsEntry(Attribute.GIVEN_NAME, "Bob\r\nthe second");
            assertThat(records(batches).get(1).updatedAt()).isEqualTo(Instant.parse("2026-01-02T10:00:00Z"));
        }

        @Test
        void rowWithBytesThatAreNotUtf8IsQuarantinedAndTheRestOfTheFileRead() throws Exception {
            // "Müller" written by a Latin-1 (ISO 8859-1) export in the middle of a UTF-8 file
            List<SourceBatch> batches = pull(FileFormat.CSV, bytes(HEADER,
                    "C-1,Ada,Lovelace,ada@example.org,2026-01-01T10:00:00Z,true\n",
                    "C-2,J", new byte[] {(byte) 0xFC}, "rgen,M", new byte[] {(byte) 0xFC}, "ller,jm@example.org,2026-01-01T10:00:00Z,true\n",
                    "C-3,Eve,Dark,eve@example.org,2026-01-01T10:00:00Z,true\n"));

            assertThat(ids(batches)).containsExactly("C-1", "C-3");
            assertThat(quarantined(batches)).singleElement().satisfies(q -> {
                assertThat(q.ref()).isEqualTo("contacts.csv line 3");
                assertThat(q.reason()).contains("not valid UTF-8").doesNotContain("jm@example.org", "ller");
            });
            assertThat(pulled(batches)).isEqualTo(3);
        }

        @Test
        void invalidUtf8EarlyInALargeFileDoesNotCostTheRowsAroundIt() throws Exception {
            StringBuilder good = new StringBuilder();
            for (int i = 3; i <= 2000; i++) {
                good.append("C-").append(i).append(",Test,Person,t").append(i).append("@example.org,2026-01-01T10:00:00Z,true\n");
            }
            List<SourceBatch> batches = pull(FileFormat.CSV, bytes(HEADER,
                    "C-1,Ada,Lovelace,ada@example.org,2026-01-01T10:00:00Z,true\n",
                    "C-2,", new byte[] {(byte) 0xC3, (byte) 0x28}, ",Stone,bob@example.org,2026-01-01T10:00:00Z,true\n",
                    good));

            assertThat(ids(batches)).hasSize(1999).startsWith("C-1", "C-3").endsWith("C-2000");
            assertThat(quarantined(batches)).extracting(Quarantined::ref).containsExactly("contacts.csv line 3");
        }

        @Test
        void sqlInjectionInEveryFieldIsReadAsPlainData() throws Exception {
            String injection = "'; DROP TABLE source_record; --";
            List<SourceBatch> batches = pull(FileFormat.CSV, HEADER
                    + "\"%1$s\",\"%1$s\",\"%1$s\",\"%1$s\",2026-01-01T10:00:00Z,\n".formatted(injection)
                    + "\"1 OR 1=1\",Robert'); DROP TABLE Students;--,x,\"a@b.c' OR '1'='1\",2026-01-01T10:00:00Z,\n");

            assertThat(ids(batches)).containsExactly(injection, "1 OR 1=1");
            assertThat(records(batches).get(0).identity()).containsEntry(Attribute.GIVEN_NAME, injection)
                    .containsEntry(Attribute.EMAIL, injection);
            assertThat(records(batches).get(1).identity()).containsEntry(Attribute.GIVEN_NAME, "Robert'); DROP TABLE Students;--");
        }

        @Test
        void duplicateIdsWithinOneBatchAreEachReadForTheIngestStageToCoalesce() throws Exception {
            List<SourceBatch> batches = pull(FileFormat.CSV, HEADER
                    + "C-1,Ada,,ada@example.org,2026-01-01T10:00:00Z,true\n"
                    + "C-1,,Lovelace,,2026-01-02T10:00:00Z,\n");

            assertThat(batches).hasSize(1);
            assertThat(ids(batches)).containsExactly("C-1", "C-1");
            assertThat(quarantined(batches)).isEmpty();
        }
    }

    @Nested
    class Json {

        @Test
        void deeplyNestedJsonLineIsQuarantinedAloneAndTheNextLineRead() throws Exception {
            String nested = "{\"contact_id\":\"C-2\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

            List<SourceBatch> batches = pull(FileFormat.JSONL, jsonContact(1) + "\n" + nested + "\n" + jsonContact(3) + "\n");

            assertThat(ids(batches)).containsExactly("C-001", "C-003");
            assertThat(quarantined(batches)).extracting(Quarantined::ref, Quarantined::reason)
                    .containsExactly(tuple("contacts.jsonl line 2", "line is not valid JSON"));
        }

        @Test
        void deeplyNestedElementOfAJsonArrayQuarantinesTheRestOfThatFile() throws Exception {
            String nested = "{\"contact_id\":\"C-2\",\"x\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "}";

            List<SourceBatch> batches = pull(FileFormat.JSON, "[" + jsonContact(1) + "," + nested + "," + jsonContact(3) + "]");

            assertThat(ids(batches)).containsExactly("C-001");
            assertThat(quarantined(batches)).extracting(Quarantined::ref).containsExactly("contacts.json from element 2");
        }

        @Test
        void jsonLineWithBytesThatAreNotUtf8IsQuarantinedAlone() throws Exception {
            byte[] latin1 = "{\"contact_id\":\"C-002\",\"first_name\":\"Jürgen\",\"email\":\"j@example.org\"}\n"
                    .getBytes(StandardCharsets.ISO_8859_1);

            List<SourceBatch> batches = pull(FileFormat.JSONL, bytes(jsonContact(1), "\n", latin1, jsonContact(3), "\n"));

            assertThat(ids(batches)).containsExactly("C-001", "C-003");
            assertThat(quarantined(batches)).singleElement().satisfies(q -> {
                assertThat(q.ref()).isEqualTo("contacts.jsonl line 2");
                assertThat(q.reason()).contains("not valid UTF-8").doesNotContain("j@example.org");
            });
        }

        @Test
        void jsonArrayElementWithBytesThatAreNotUtf8IsQuarantinedAlone() throws Exception {
            List<SourceBatch> batches = pull(FileFormat.JSON, bytes("[", jsonContact(1), ",{\"contact_id\":\"C-002\",\"first_name\":\"J",
                    new byte[] {(byte) 0xFC}, "rgen\"},", jsonContact(3), "]"));

            assertThat(ids(batches)).containsExactly("C-001", "C-003");
            assertThat(quarantined(batches)).extracting(Quarantined::ref).containsExactly("contacts.json element 2");
        }

        @Test
        void byteOrderMarkAndCrlfInJsonLinesAreReadCleanly() throws Exception {
            List<SourceBatch> batches = pull(FileFormat.JSONL, "\uFEFF" + jsonContact(1) + "\r\n" + jsonContact(2) + "\r\n");

            assertThat(ids(batches)).containsExactly("C-001", "C-002");
            assertThat(quarantined(batches)).isEmpty();
        }

        @Test
        void hugeFieldAndHugeRecordAreReadWhole() throws Exception {
            String hugeName = "A".repeat(2_000_000);
            StringBuilder wide = new StringBuilder("{\"contact_id\":\"C-002\"");
            for (int i = 0; i < 20_000; i++) {
                wide.append(",\"extra_").append(i).append("\":\"value ").append(i).append('"');
            }
            wide.append('}');

            List<SourceBatch> batches = pull(FileFormat.JSONL, "{\"contact_id\":\"C-001\",\"first_name\":\"" + hugeName + "\"}\n"
                    + wide + "\n" + jsonContact(3) + "\n");

            assertThat(ids(batches)).containsExactly("C-001", "C-002", "C-003");
            assertThat(records(batches).get(0).identity().get(Attribute.GIVEN_NAME)).hasSize(2_000_000);
        }

        @ParameterizedTest
        @ValueSource(strings = {"Zoë 😀", "محمد عبد الله", "שָׁלוֹם", "A\u0000da\u0007", "Ada\u202Eecalevol", "张\u200B伟"})
        void unusualTextInNamesArrivesAsSent(String name) throws Exception {
            String line = new ObjectMapper().writeValueAsString(java.util.Map.of("contact_id", "C-1", "first_name", name,
                    "modified", "2026-01-01T10:00:00Z"));

            List<SourceBatch> batches = pull(FileFormat.JSONL, line + "\n");

            assertThat(records(batches)).singleElement()
                    .satisfies(r -> assertThat(r.identity()).containsEntry(Attribute.GIVEN_NAME, name.trim()));
        }
    }

    @Nested
    class Values {

        @ParameterizedTest
        @ValueSource(strings = {"2026-02-30T10:00:00Z", "2026-13-01", "yesterday", "01/02/2026", "9999999999999999999999"})
        void unreadableUpdateTimeIsQuarantinedNamingTheField(String modified) throws Exception {
            List<SourceBatch> batches = pull(FileFormat.CSV, HEADER
                    + "C-1,Ada,Lovelace,ada@example.org," + modified + ",true\n"
                    + "C-2,Bob,Stone,bob@example.org,2026-01-01T10:00:00Z,true\n");

            assertThat(ids(batches)).containsExactly("C-2");
            assertThat(quarantined(batches)).extracting(Quarantined::reason)
                    .containsExactly("unreadable date-time (field 'modified')");
        }

        @Test
        void impossiblePhonesAndEmailsAreReadForTheCleanerToFlag() throws Exception {
            List<SourceBatch> batches = pull(FileFormat.CSV, HEADER
                    + "C-1,Ada,Lovelace,not-an-address@@example,2026-01-01T10:00:00Z,true\n");

            assertThat(records(batches)).singleElement()
                    .satisfies(r -> assertThat(r.identity()).containsEntry(Attribute.EMAIL, "not-an-address@@example"));
        }
    }
}
