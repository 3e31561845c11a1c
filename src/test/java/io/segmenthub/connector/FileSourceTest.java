package io.segmenthub.connector;

import static io.segmenthub.connector.ConnectorFixtures.all;
import static io.segmenthub.connector.ConnectorFixtures.drain;
import static io.segmenthub.connector.ConnectorFixtures.hubConfig;
import static io.segmenthub.connector.ConnectorFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.ConnectorFixtures.HubStore;
import io.segmenthub.pipeline.ConsentRow;
import io.segmenthub.pipeline.Quarantined;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SourceRecord;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.profile.Attribute;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {

    @TempDir
    Path dir;

    final HubStore store = new HubStore();
    final Watermarks watermarks = store.watermarks();

    @AfterEach
    void closeStore() {
        store.close();
    }

    static ConnectorConfig crm(Path path, FileFormat format, String pattern, int batchSize) {
        return new ConnectorConfig("crm", ConnectorType.FILE, null, null, "customer_account", "GB", batchSize,
                new FileSettings(path.toString(), format, pattern), null,
                new RecordMapping("contact_id", null, "modified",
                        Map.of("given_name", "first_name", "family_name", "last_name", "email", "email"),
                        Map.of("marketing_email", "email_opt_in"), null, null, null, null));
    }

    FileSource source(ConnectorConfig connector) {
        return new FileSource(hubConfig(dir, List.of(connector), List.of()), new ObjectMapper(), watermarks);
    }

    List<SourceBatch> pull(ConnectorConfig connector, SyncRun run) {
        return drain(source(connector).open(run, connector.id()));
    }

    static List<String> ids(List<SourceBatch> batches) {
        return all(batches, SourceBatch::records).stream().map(SourceRecord::recordId).toList();
    }

    static String jsonContact(int n) {
        return "{\"contact_id\":\"C-%03d\",\"first_name\":\"Test%d\",\"last_name\":\"Person\",\"email\":\"test%d@example.org\",\"modified\":\"2026-01-%02dT10:00:00Z\",\"email_opt_in\":true}"
                .formatted(n, n, n, n);
    }

    Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Nested
    class Formats {

        @Test
        void jsonArrayIsReadInBatchesOfTheConfiguredSize() throws Exception {
            Path file = write("contacts.json", "[\n" + String.join(",\n", jsonContact(1), jsonContact(2), jsonContact(3),
                    jsonContact(4), jsonContact(5)) + "\n]\n");

            List<SourceBatch> batches = pull(crm(file, FileFormat.JSON, null, 2), run("run-1", "crm"));

            assertThat(batches).extracting(SourceBatch::size).containsExactly(2, 2, 1);
            assertThat(batches).extracting(SourceBatch::connectorId).containsOnly("crm");
            assertThat(ids(batches)).containsExactly("C-001", "C-002", "C-003", "C-004", "C-005");
            assertThat(all(batches, SourceBatch::quarantined)).isEmpty();
        }

        @Test
        void jsonValuesKeepTheirTypesSoBooleanFlagsBecomeConsent() throws Exception {
            Path file = write("contacts.json", "[" + jsonContact(1) + "]");

            SourceRecord record = all(pull(crm(file, FileFormat.JSON, null, 10), run("run-1", "crm")), SourceBatch::records).get(0);

            assertThat(record.identity()).containsEntry(Attribute.EMAIL, "test1@example.org").containsEntry(Attribute.GIVEN_NAME, "Test1");
            assertThat(record.consents()).singleElement().satisfies(c -> assertThat(c.status().name()).isEqualTo("GRANTED"));
        }

        @Test
        void jsonLinesAreReadInBatchesSkippingBlankLines() throws Exception {
            Path file = write("contacts.jsonl", jsonContact(1) + "\n\n" + jsonContact(2) + "\n" + jsonContact(3) + "\n   \n");

            List<SourceBatch> batches = pull(crm(file, FileFormat.JSONL, null, 2), run("run-1", "crm"));

            assertThat(batches).extracting(SourceBatch::size).containsExactly(2, 1);
            assertThat(ids(batches)).containsExactly("C-001", "C-002", "C-003");
        }

        @Test
        void csvIsReadInBatchesWithHeaderNamesAsFields() throws Exception {
            Path file = write("contacts.csv", """
                    contact_id,first_name,last_name,email,modified,email_opt_in
                    C-001,Test1,Person,test1@example.org,2026-01-01T10:00:00Z,true
                    C-002,Test2,Person,test2@example.org,2026-01-02T10:00:00Z,false
                    C-003,Test3,Person,test3@example.org,2026-01-03T10:00:00Z,
                    """);

            List<SourceBatch> batches = pull(crm(file, FileFormat.CSV, null, 2), run("run-1", "crm"));

            assertThat(batches).extracting(SourceBatch::size).containsExactly(2, 1);
            assertThat(ids(batches)).containsExactly("C-001", "C-002", "C-003");
            assertThat(all(batches, SourceBatch::records).get(2).consents()).as("blank opt-in cell: no signal").isEmpty();
        }

        @Test
        void csvWithBomCrlfAndQuotedCommasIsReadCleanly() throws Exception {
            Path file = write("contacts.csv", "\uFEFFcontact_id,first_name,last_name,email,modified\r\n"
                    + "C-001,\"Anne, Marie\",\"O'Brien, Jr.\",anne.marie@example.org,2026-01-01T10:00:00Z\r\n"
                    + "C-002,\"Li \"\"Lily\"\"\",Wang,\"lily.wang@example.cn\",2026-01-02T10:00:00Z\r\n");

            List<SourceRecord> records = all(pull(crm(file, FileFormat.CSV, null, 10), run("run-1", "crm")), SourceBatch::records);

            assertThat(records).extracting(SourceRecord::recordId).as("the BOM is not part of the first header")
                    .containsExactly("C-001", "C-002");
            assertThat(records.get(0).identity()).containsOnly(
                    Map.entry(Attribute.GIVEN_NAME, "Anne, Marie"),
                    Map.entry(Attribute.FAMILY_NAME, "O'Brien, Jr."),
                    Map.entry(Attribute.EMAIL, "anne.marie@example.org"));
            assertThat(records.get(1).identity()).containsEntry(Attribute.GIVEN_NAME, "Li \"Lily\"");
            assertThat(records.get(1).updatedAt()).as("no carriage return left on the last column")
                    .isEqualTo(Instant.parse("2026-01-02T10:00:00Z"));
        }

        @Test
        void consentSourceFileGivesConsentRows() throws Exception {
            Path file = write("consent_events.csv", """
                    email,phone,purpose,status,occurred_at,source,evidence
                    test1@example.org,,analytics,granted,2026-01-01T10:00:00Z,cmp,tcf:AAAA
                    ,+442079460999,marketing_email,withdrawn,2026-01-02T10:00:00Z,web_form,form:unsubscribe
                    """);
            var connector = new ConnectorConfig("consent-platform", ConnectorType.FILE, null, ConnectorKind.CONSENT, null, null, null,
                    new FileSettings(file.toString(), FileFormat.CSV, null), null,
                    new RecordMapping(null, null, null, null, null, null, null, null,
                            new RecordMapping.ConsentEventMapping("email", "phone", "purpose", "status", "occurred_at", "evidence", "source")));

            List<SourceBatch> batches = pull(connector, run("run-1", "consent-platform"));

            assertThat(all(batches, SourceBatch::records)).isEmpty();
            assertThat(all(batches, SourceBatch::consentRows)).extracting(ConsentRow::ref, r -> r.signal().purpose(), ConsentRow::sourceSystem)
                    .containsExactly(
                            tuple("consent_events.csv line 2", "analytics", "cmp"),
                            tuple("consent_events.csv line 3", "marketing_email", "web_form"));
        }
    }

    @Nested
    class MalformedInput {

        @Test
        void malformedJsonLineIsQuarantinedAndTheRestRead() throws Exception {
            Path file = write("contacts.jsonl", jsonContact(1) + "\n{\"contact_id\":\"C-002\", \"email\": \n" + jsonContact(3) + "\n");

            List<SourceBatch> batches = pull(crm(file, FileFormat.JSONL, null, 10), run("run-1", "crm"));

            assertThat(ids(batches)).containsExactly("C-001", "C-003");
            assertThat(all(batches, SourceBatch::quarantined)).containsExactly(
                    new Quarantined("contacts.jsonl line 2", "line is not valid JSON", "{\"contact_id\":\"C-002\", \"email\": "));
        }

        @Test
        void aLargeBatchOfJsonLinesIsParsedAsReadWithItsBadLinesQuarantinedInPlace() throws Exception {
            StringBuilder lines = new StringBuilder();
            for (int n = 1; n <= 900; n++) {
                String contact = jsonContact(n).replaceFirst("2026-01-\\d+T", "2026-01-15T"); // a valid day for every n
                lines.append(n == 10 ? "null" : n == 500 ? "{\"contact_id\":\"C-500\"," : contact).append('\n');
            }
            Path file = write("contacts.jsonl", lines.toString());

            List<SourceBatch> batches = pull(crm(file, FileFormat.JSONL, null, 1_000), run("run-1", "crm"));

            assertThat(batches).hasSize(1); // one batch of 900 rows: parsed and mapped on both cores
            assertThat(ids(batches)).hasSize(898).startsWith("C-001", "C-002").endsWith("C-899", "C-900").doesNotContain("C-010", "C-500")
                    .isSorted();
            assertThat(all(batches, SourceBatch::records).get(0).identity()).containsEntry(Attribute.GIVEN_NAME, "Test1");
            assertThat(all(batches, SourceBatch::quarantined)).extracting(Quarantined::ref, Quarantined::reason).containsExactly(
                    tuple("contacts.jsonl line 10", "line is not a JSON object"),
                    tuple("contacts.jsonl line 500", "line is not valid JSON"));
        }

        @Test
        void jsonLineThatIsNotAnObjectIsQuarantined() throws Exception {
            Path file = write("contacts.jsonl", "[1, 2]\n" + jsonContact(2) + "\n");

            List<SourceBatch> batches = pull(crm(file, FileFormat.JSONL, null, 10), run("run-1", "crm"));

            assertThat(ids(batches)).containsExactly("C-002");
            assertThat(all(batches, SourceBatch::quarantined)).extracting(Quarantined::ref, Quarantined::reason)
                    .containsExactly(tuple("contacts.jsonl line 1", "line is not a JSON object"));
        }

        @Test
        void truncatedJsonArrayQuarantinesTheRestOfTheFile() throws Exception {
            Path file = write("contacts.json", "[" + jsonContact(1) + "," + jsonContact(2) + ",{\"contact_id\":\"C-003\",\"first_na");

            List<SourceBatch> batches = pull(crm(file, FileFormat.JSON, null, 10), run("run-1", "crm"));

            assertThat(ids(batches)).containsExactly("C-001", "C-002");
            assertThat(all(batches, SourceBatch::quarantined)).extracting(Quarantined::ref, Quarantined::reason)
                    .containsExactly(tuple("contacts.json from element 3",
                            "file is not valid JSON from this element on; the rest of the file was not read"));
        }

        @Test
        void jsonArrayBrokenBetweenElementsNamesTheFirstUnreadElement() throws Exception {
            Path file = write("contacts.json", "[" + jsonContact(1) + ", oops " + jsonContact(2) + "]");

            List<SourceBatch> batches = pull(crm(file, FileFormat.JSON, null, 10), run("run-1", "crm"));

            assertThat(ids(batches)).containsExactly("C-001");
            assertThat(all(batches, SourceBatch::quarantined)).extracting(Quarantined::ref).containsExactly("contacts.json from element 2");
        }

        @Test
        void jsonFileThatIsNotAnArrayIsQuarantinedWhole() throws Exception {
            Path file = write("contacts.json", jsonContact(1));

            List<SourceBatch> batches = pull(crm(file, FileFormat.JSON, null, 10), run("run-1", "crm"));

            assertThat(ids(batches)).isEmpty();
            assertThat(all(batches, SourceBatch::quarantined)).extracting(Quarantined::ref, Quarantined::reason)
                    .containsExactly(tuple("contacts.json", "file is not a JSON array"));
        }

        @Test
        void csvRowWithTheWrongColumnCountIsQuarantinedAndTheRestRead() throws Exception {
            Path file = write("contacts.csv", """
                    contact_id,first_name,last_name,email,modified
                    C-001,Test1,Person,test1@example.org,2026-01-01T10:00:00Z
                    C-002,Test2,test2@example.org,2026-01-02T10:00:00Z
                    C-003,Test3,Person,test3@example.org,2026-01-03T10:00:00Z
                    """);

            List<SourceBatch> batches = pull(crm(file, FileFormat.CSV, null, 10), run("run-1", "crm"));

            assertThat(ids(batches)).containsExactly("C-001", "C-003");
            assertThat(all(batches, SourceBatch::quarantined)).containsExactly(new Quarantined("contacts.csv line 3",
                    "row has 4 columns, the header has 5", "C-002,Test2,test2@example.org,2026-01-02T10:00:00Z"));
        }

        @Test
        void csvWithAnUnbalancedQuoteQuarantinesTheRestOfTheFile() throws Exception {
            Path file = write("contacts.csv", """
                    contact_id,first_name,last_name,email,modified
                    C-001,Test1,Person,test1@example.org,2026-01-01T10:00:00Z
                    C-002,"Test2,Person,test2@example.org,2026-01-02T10:00:00Z
                    C-003,Test3,Person,test3@example.org,2026-01-03T10:00:00Z
                    """);

            List<SourceBatch> batches = pull(crm(file, FileFormat.CSV, null, 10), run("run-1", "crm"));

            assertThat(ids(batches)).containsExactly("C-001");
            assertThat(all(batches, SourceBatch::quarantined)).extracting(Quarantined::ref, Quarantined::reason)
                    .containsExactly(tuple("contacts.csv",
                            "CSV is malformed from here on (unbalanced quotes?); the rest of the file was not read"));
        }

        @Test
        void missingPathFailsNamingTheConnector() {
            var connector = crm(dir.resolve("nowhere.json"), FileFormat.JSON, null, 10);

            assertThatThrownBy(() -> source(connector).open(run("run-1", "crm"), "crm"))
                    .isInstanceOf(ConnectorException.class)
                    .hasMessageStartingWith("connector 'crm': ")
                    .hasMessageEndingWith("nowhere.json does not exist");
        }
    }

    @Nested
    class FixedFile {

        static String sha256(Path file) throws Exception {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        }

        @Test
        void readAdvancesTheRunsWatermarkToTheFilesDigestButDoesNotCommitIt() throws Exception {
            Path file = write("contacts.json", "[" + jsonContact(1) + "]");
            SyncRun run = run("run-1", "crm");

            pull(crm(file, FileFormat.JSON, null, 10), run);

            assertThat(run.pendingWatermarks()).containsExactly(Map.entry("crm", sha256(file)));
            assertThat(watermarks.get("crm")).isEmpty();
        }

        @Test
        void fileWhoseDigestEqualsTheCommittedWatermarkIsSkipped() throws Exception {
            Path file = write("contacts.json", "[" + jsonContact(1) + "]");
            var connector = crm(file, FileFormat.JSON, null, 10);
            SyncRun first = run("run-1", "crm");
            pull(connector, first);
            watermarks.commit(first.pendingWatermarks(), first.id());

            SyncRun second = run("run-2", "crm");
            List<SourceBatch> batches = pull(connector, second);

            assertThat(batches).isEmpty();
            assertThat(second.pendingWatermarks()).isEmpty();
            assertThat(second.report().connectors()).containsOnlyKeys("crm");
        }

        @Test
        void changedFileIsReadAgain() throws Exception {
            Path file = write("contacts.json", "[" + jsonContact(1) + "]");
            var connector = crm(file, FileFormat.JSON, null, 10);
            SyncRun first = run("run-1", "crm");
            pull(connector, first);
            watermarks.commit(first.pendingWatermarks(), first.id());

            write("contacts.json", "[" + jsonContact(1) + "," + jsonContact(2) + "]");
            SyncRun second = run("run-2", "crm");

            assertThat(ids(pull(connector, second))).containsExactly("C-001", "C-002");
            assertThat(second.pendingWatermarks()).containsEntry("crm", sha256(file));
        }

        @Test
        void fileIsReadAgainWhenTheRunThatReadItDidNotCommit() throws Exception {
            Path file = write("contacts.json", "[" + jsonContact(1) + "]");
            var connector = crm(file, FileFormat.JSON, null, 10);
            pull(connector, run("run-1", "crm"));

            assertThat(ids(pull(connector, run("run-2", "crm")))).containsExactly("C-001");
        }

        @Test
        void fixedFileRegistersNoMoveOnSuccess() throws Exception {
            Path file = write("contacts.json", "[" + jsonContact(1) + "]");
            SyncRun run = run("run-1", "crm");
            pull(crm(file, FileFormat.JSON, null, 10), run);

            run.commits().forEach(Runnable::run);

            assertThat(file).exists();
        }
    }

    @Nested
    class DropFolder {

        Path inbox;

        @BeforeEach
        void fillInbox() throws Exception {
            inbox = dir.resolve("inbox");
            write("inbox/2026-01-02.jsonl", jsonContact(3) + "\n" + jsonContact(4) + "\n");
            write("inbox/2026-01-01.jsonl", jsonContact(1) + "\n" + jsonContact(2) + "\n");
            write("inbox/2026-01-03.jsonl", jsonContact(5) + "\n");
            write("inbox/notes.txt", "not a data file\n");
        }

        @Test
        void filesMatchingThePatternAreReadInNameOrderAcrossBatches() {
            List<SourceBatch> batches = pull(crm(inbox, FileFormat.JSONL, "*.jsonl", 3), run("run-1", "crm"));

            assertThat(batches).extracting(SourceBatch::size).containsExactly(3, 2);
            assertThat(ids(batches)).containsExactly("C-001", "C-002", "C-003", "C-004", "C-005");
            assertThat(all(batches, SourceBatch::quarantined)).isEmpty();
        }

        @Test
        void quarantineRefsNameTheFileTheRowCameFrom() throws Exception {
            write("inbox/2026-01-02.jsonl", jsonContact(3) + "\nnot json\n");

            List<SourceBatch> batches = pull(crm(inbox, FileFormat.JSONL, "*.jsonl", 10), run("run-1", "crm"));

            assertThat(all(batches, SourceBatch::quarantined)).extracting(Quarantined::ref).containsExactly("2026-01-02.jsonl line 2");
        }

        @Test
        void filesStayUntilTheRunsCommitsAreRun() {
            SyncRun run = run("run-1", "crm");
            pull(crm(inbox, FileFormat.JSONL, "*.jsonl", 10), run);

            assertThat(inbox.resolve("2026-01-01.jsonl")).exists();
            assertThat(inbox.resolve(".done")).doesNotExist();
            assertThat(run.pendingWatermarks()).as("drop folders need no watermark").isEmpty();
        }

        @Test
        void commitsMoveTheReadFilesToDoneAndLeaveTheOthers() throws Exception {
            SyncRun run = run("run-1", "crm");
            pull(crm(inbox, FileFormat.JSONL, "*.jsonl", 10), run);

            run.commits().forEach(Runnable::run);

            assertThat(inbox.resolve(".done")).isDirectoryContaining("glob:**/2026-01-01.jsonl")
                    .isDirectoryContaining("glob:**/2026-01-02.jsonl").isDirectoryContaining("glob:**/2026-01-03.jsonl");
            assertThat(Files.readString(inbox.resolve(".done/2026-01-03.jsonl"))).isEqualTo(jsonContact(5) + "\n");
            try (var left = Files.list(inbox)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(".done", "notes.txt");
            }
        }

        @Test
        void aFailedRunLeavesTheFilesToBeReadAgain() {
            var connector = crm(inbox, FileFormat.JSONL, "*.jsonl", 10);
            pull(connector, run("run-1", "crm")); // commits never run

            assertThat(ids(pull(connector, run("run-2", "crm")))).containsExactly("C-001", "C-002", "C-003", "C-004", "C-005");
        }

        @Test
        void theNextRunDoesNotReadFilesAlreadyDone() throws Exception {
            var connector = crm(inbox, FileFormat.JSONL, "*.jsonl", 10);
            SyncRun first = run("run-1", "crm");
            pull(connector, first);
            first.commits().forEach(Runnable::run);
            write("inbox/2026-01-04.jsonl", jsonContact(6) + "\n");

            assertThat(ids(pull(connector, run("run-2", "crm")))).containsExactly("C-006");
        }

        @Test
        void emptyFolderGivesNoBatches() throws Exception {
            Path empty = Files.createDirectories(dir.resolve("empty"));

            assertThat(pull(crm(empty, FileFormat.CSV, null, 10), run("run-1", "crm"))).isEmpty();
        }
    }
}
