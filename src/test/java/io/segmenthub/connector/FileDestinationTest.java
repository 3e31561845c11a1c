package io.segmenthub.connector;

import static io.segmenthub.connector.ConnectorFixtures.RUN_STARTED;
import static io.segmenthub.connector.ConnectorFixtures.hubConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segmenthub.connector.ConnectorFixtures.HubStore;
import io.segmenthub.connector.DestinationConfig.DestinationType;
import io.segmenthub.connector.DestinationConfig.FileTarget;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.sync.PushStateStore;
import io.segmenthub.sync.SegmentPush;
import io.segmenthub.sync.SegmentPush.Row;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

class FileDestinationTest {

    static final List<String> FIELDS = List.of("golden_id", "external_id", "email", "given_name");

    @TempDir
    Path dir;

    final HubStore store = new HubStore();
    final PushStateStore state = new PushStateStore(store.jdbc, new NamedParameterJdbcTemplate(store.dataSource));
    final SyncRun run = new SyncRun("run-7", "nightly", "schedule", RUN_STARTED, List.of(), List.of("email-marketing"));

    @AfterEach
    void closeStore() {
        store.close();
    }

    Path out() {
        return dir.resolve("out/email-marketing");
    }

    FileDestination destination() {
        var target = new DestinationConfig("email-marketing", DestinationType.FILE, "marketing_email", List.of("champions"), "crm",
                FIELDS, new FileTarget(out().toString()), null);
        return new FileDestination(hubConfig(dir, List.of(), List.of(target)), state);
    }

    static SegmentPush push(List<Row> adds, List<Row> removes) {
        return new SegmentPush("email-marketing", "champions", FIELDS, adds, removes, 0, 0);
    }

    static Row member(String golden, String external, String email, String givenName) {
        return new Row(golden, external, Map.of("email", email, "given_name", givenName));
    }

    String changes() throws Exception {
        return Files.readString(out().resolve("champions/run-7-changes.csv"));
    }

    String currentList() throws Exception {
        return Files.readString(out().resolve("champions.csv"));
    }

    @Test
    void changesFileListsAddsThenRemovesWithTheActionAndTheConfiguredFields() throws Exception {
        destination().write(push(
                List.of(member("G-0002", "C-00002", "bea.test@example.org", "Bea"), member("G-0001", "C-00001", "al.test@example.org", "Al")),
                List.of(new Row("G-0009", "C-00009", Map.of()))), run);

        assertThat(changes()).isEqualTo("""
                action,golden_id,external_id,email,given_name\r
                add,G-0002,C-00002,bea.test@example.org,Bea\r
                add,G-0001,C-00001,al.test@example.org,Al\r
                remove,G-0009,C-00009,,\r
                """);
    }

    @Test
    void currentListIsWhatWasPushedBeforePlusAddsMinusRemovesSortedByGoldenId() throws Exception {
        state.apply(push(List.of(member("G-0005", "C-00005", "", ""), member("G-0009", "C-00009", "", "")), List.of()), "run-6", RUN_STARTED);

        destination().write(push(List.of(member("G-0001", "", "al.test@example.org", "Al")),
                List.of(new Row("G-0009", "C-00009", Map.of()))), run);

        assertThat(currentList()).isEqualTo("""
                golden_id,external_id\r
                G-0001,\r
                G-0005,C-00005\r
                """);
    }

    @Test
    void writingDoesNotRecordThePushThatIsTheCallersJobOnceItSucceeded() {
        destination().write(push(List.of(member("G-0001", "C-00001", "al.test@example.org", "Al")), List.of()), run);

        assertThat(state.members("email-marketing", "champions")).isEmpty();
    }

    @Test
    void emptyPushWritesNothing() {
        SegmentPush empty = push(List.of(), List.of());

        assertThat(destination().write(empty, run)).isSameAs(empty);
        assertThat(out()).doesNotExist();
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws Exception {
        destination().write(push(List.of(member("G-0001", "C-00001", "al.test@example.org", "Al")), List.of()), run);

        try (var files = Files.walk(out())) {
            assertThat(files.filter(Files::isRegularFile).map(p -> out().relativize(p).toString()))
                    .containsExactlyInAnyOrder("champions.csv", "champions/run-7-changes.csv");
        }
    }

    @Test
    void aSecondRunWritesItsOwnChangesFileAndReplacesTheList() throws Exception {
        destination().write(push(List.of(member("G-0001", "C-00001", "al.test@example.org", "Al")), List.of()), run);
        state.apply(push(List.of(member("G-0001", "C-00001", "al.test@example.org", "Al")), List.of()), "run-7", RUN_STARTED);
        SyncRun next = new SyncRun("run-8", "nightly", "schedule", RUN_STARTED.plusSeconds(86_400), List.of(), List.of("email-marketing"));

        destination().write(push(List.of(), List.of(new Row("G-0001", "C-00001", Map.of()))), next);

        assertThat(out().resolve("champions/run-7-changes.csv")).exists();
        assertThat(Files.readString(out().resolve("champions/run-8-changes.csv")))
                .isEqualTo("action,golden_id,external_id,email,given_name\r\nremove,G-0001,C-00001,,\r\n");
        assertThat(currentList()).isEqualTo("golden_id,external_id\r\n");
    }

    @Nested
    class FormulaInjection {

        @Test
        void valuesThatASpreadsheetWouldRunGetALeadingApostrophe() throws Exception {
            destination().write(push(List.of(
                    member("G-0001", "=HYPERLINK(\"http://attacker.example\")", "+31600000000@example.org", "-Al"),
                    member("G-0002", "@SUM(A1:A9)", "bea.test@example.org", "Bea")), List.of()), run);

            assertThat(changes()).isEqualTo("""
                    action,golden_id,external_id,email,given_name\r
                    add,G-0001,"'=HYPERLINK(""http://attacker.example"")",'+31600000000@example.org,'-Al\r
                    add,G-0002,'@SUM(A1:A9),bea.test@example.org,Bea\r
                    """);
            assertThat(currentList()).contains("G-0001,\"'=HYPERLINK(\"\"http://attacker.example\"\")\"\r\n")
                    .contains("G-0002,'@SUM(A1:A9)\r\n");
        }

        @Test
        void ordinaryValuesAndInnerSignsAreLeftAlone() throws Exception {
            destination().write(push(List.of(member("G-0001", "C-1=2", "a+b@example.org", "Ann-Marie")), List.of()), run);

            assertThat(changes()).endsWith("add,G-0001,C-1=2,a+b@example.org,Ann-Marie\r\n");
        }
    }

    @Nested
    class Failures {

        @Test
        void unwritableDirectoryFailsNamingTheDestination() throws Exception {
            Files.writeString(dir.resolve("out"), "a file where the folder should be");

            assertThatThrownBy(() -> destination().write(push(List.of(member("G-0001", "C-00001", "al.test@example.org", "Al")),
                    List.of()), run))
                    .isInstanceOf(ConnectorException.class)
                    .hasMessageStartingWith("destination 'email-marketing': cannot write to ")
                    .hasMessageNotContaining("al.test@example.org");
        }
    }
}
