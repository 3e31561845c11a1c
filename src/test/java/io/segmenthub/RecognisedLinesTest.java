package io.segmenthub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.ConnectorConfig;
import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.connector.RecordMapper;
import io.segmenthub.connector.SourceBatches;
import io.segmenthub.connector.SourceRow;
import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.pipeline.IngestStage;
import io.segmenthub.pipeline.RunReport;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.system.HubConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A re-run of a rewritten JSON Lines export recognises most lines by their keyed hash, without
 * parsing them, and makes of the pull what parsing every line makes of it. Each pull here is driven
 * as the connector route drives it, except that after its first batch is stored (which has the run
 * hold the system's pulled hashes) every later batch is read before the next is stored: the reader
 * is as far ahead of the store as it can be, the case the conditions below guard against. Runs on
 * H2 by default and on PostgreSQL with {@code -Dspring.profiles.active=postgres}.
 */
@SpringBootTest
class RecognisedLinesTest {

    /** A social network whose handles are personal data, so the hub keeps them pseudonymised. */
    static final String SOCIAL = """
              - id: social
                type: file
                purpose: profiling
                file: {path: %s/social.jsonl, format: jsonl}
                mapping:
                  id: handle
                  id-is-personal: true
                  updated-at: updated
                  identity: {full_name: display_name, email: email, phone: phone}
                  metrics: {social_followers: followers}
            """;

    @TempDir
    static Path root;
    static HubFixture fixture;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) throws IOException {
        fixture = new HubFixture(root).writeConfig();
        Path connectors = fixture.config.resolve("connectors.yml");
        Path sources = root.resolve("sources").toAbsolutePath();
        Files.createDirectories(sources);
        Files.writeString(sources.resolve("social.jsonl"), "");
        Files.writeString(connectors, Files.readString(connectors).replace("destinations:", SOCIAL.formatted(sources) + "destinations:"));
        StoreUnderTest.register(registry, fixture);
        // one row found as before is enough for a pull to hold its system's pulled hashes
        registry.add("segmenthub.pulled-hashes-held-after", () -> "1");
    }

    @Autowired IngestStage stage;
    @Autowired HubConfig config;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;
    @Autowired JdbcConnections connections;
    @Autowired BlindIndex blindIndex;
    final ObjectMapper json = new ObjectMapper();
    /** The lines the pulls have parsed since the test began. */
    final Set<String> parsed = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void cleanWorld() {
        fixture.reset(flyway, connections);
    }

    @Test
    void linesPulledAsBeforeAreNotParsedAndAChangedOneIsStored() {
        List<String> lines = IntStream.rangeClosed(1, 5).mapToObj(n -> social("@fan" + n, "Fan " + n, n * 10)).toList();
        RunReport.ConnectorCounts first = pull("social", 1, lines);
        assertThat(first.stored()).isEqualTo(5);
        assertThat(first.linesRecognised()).isZero();
        String hashOfFan3 = pulledHash("social", 3);
        parsed.clear();

        List<String> again = new ArrayList<>(lines);
        again.set(4, social("@fan5", "Fan 5", 51));
        RunReport.ConnectorCounts second = pull("social", 1, again);

        assertThat(second.pulled()).isEqualTo(5);
        assertThat(second.stored()).isEqualTo(1);
        assertThat(second.unchanged()).isEqualTo(4);
        // the first line is parsed and found as before, and then the pull holds the hashes; the second is read
        // while the first is stored, so it may come either way; the third and fourth are recognised
        assertThat(second.linesRecognised()).isBetween(2L, 3L);
        assertThat(parsed).contains(again.get(0), again.get(4)).doesNotContain(again.get(2), again.get(3))
                .hasSize(5 - (int) second.linesRecognised());
        assertThat(pulledHash("social", 3)).isEqualTo(hashOfFan3);
        assertThat(store.sql("SELECT attributes FROM source_record WHERE system = 'social' AND record_id = :id")
                .param("id", recordId("social", "@fan5")).query(String.class).single()).contains("\"social_followers\":\"51\"");
    }

    /**
     * Fan 3's line as it was stored, and a later line of the same batch that renames her: her record
     * is the two coalesced, in the file's order, as it is when every line is parsed; not the rename alone.
     */
    @Test
    void aLineAsBeforeWhoseRecordHasAnotherLineInItsBatchIsCoalescedWithIt() {
        List<String> lines = IntStream.rangeClosed(1, 5).mapToObj(n -> social("@fan" + n, "Fan " + n, n * 10)).toList();
        pull("social", 2, lines);
        String present = "SELECT present FROM source_record WHERE system = 'social' AND record_id = :id";
        String fan5 = recordId("social", "@fan5");
        assertThat(store.sql(present).param("id", fan5).query(String.class).single()).isEqualTo("email,full_name,phone");

        List<String> again = new ArrayList<>(lines);
        again.add("{\"handle\": \"@fan5\", \"display_name\": \"Fanny Five\"}");
        RunReport.ConnectorCounts second = pull("social", 2, again);

        assertThat(second.pulled()).isEqualTo(6);
        assertThat(second.stored()).isEqualTo(1);
        assertThat(parsed).contains(again.get(4), again.get(5));
        assertThat(store.sql(present).param("id", fan5).query(String.class).single()).isEqualTo("email,full_name,phone");
    }

    /**
     * C-8 changed at the top of the file and as it was further down: the later line is read, and
     * would be recognised, before the batch with the change is stored; once that batch has stored
     * C-8 anew, the line is no longer as before, so it is parsed and stored, and the file's last row
     * wins as it does when every line is parsed.
     */
    @Test
    void aLineIsNotTakenAsBeforeForARecordAnEarlierBatchOfThePullStoredAnew() {
        List<String> lines = List.of(crm("C-6", "ada6@example.org"), crm("C-7", "ada7@example.org"), crm("C-8", "ada8@example.org"));
        pull("crm", 1, lines);
        String hashOfC8 = pulledHash("crm", "C-8");
        String emailIndex = "SELECT i.hashed FROM record_index i JOIN source_record r ON r.id = i.source_record_id"
                + " WHERE r.system = 'crm' AND r.record_id = 'C-8' AND i.kind = 'email'";
        String indexOfC8 = store.sql(emailIndex).query(String.class).single();

        RunReport.ConnectorCounts second = pull("crm", 1, List.of(lines.get(0), lines.get(1), crm("C-8", "ada.eight@example.org"), lines.get(2)));

        assertThat(second.pulled()).isEqualTo(4);
        assertThat(second.stored()).isEqualTo(2); // C-8 changed, then C-8 as it was
        assertThat(parsed).contains(lines.get(2));
        assertThat(pulledHash("crm", "C-8")).isEqualTo(hashOfC8);
        assertThat(store.sql(emailIndex).query(String.class).single()).isEqualTo(indexOfC8);
    }

    /**
     * A line without the time its record changed gives its consent flag the run's start as its
     * time, so what it is made into differs each run: it is pulled as the hash of that, not of its
     * line, and is never recognised.
     */
    @Test
    void aLineWhoseConsentTakesTheRunsStartAsItsTimeIsParsedEveryRun() {
        String undated = "{\"contact_id\": \"C-9\", \"first_name\": \"Ada\", \"email\": \"ada9@example.org\", \"email_opt_in\": true}";
        List<String> lines = List.of(crm("C-6", "ada6@example.org"), crm("C-7", "ada7@example.org"), crm("C-8", "ada8@example.org"), undated);
        pull("crm", 1, lines);
        parsed.clear();

        RunReport.ConnectorCounts second = pull("crm", 1, lines);

        assertThat(second.linesRecognised()).isGreaterThanOrEqualTo(1); // C-8 at least
        assertThat(parsed).contains(undated);
        assertThat(second.stored() + second.unchanged()).isEqualTo(4);
    }

    static String social(String handle, String name, int followers) {
        return "{\"handle\": \"%s\", \"display_name\": \"%s\", \"email\": \"%s@example.org\", \"phone\": \"+44 20 7946 %04d\", \"followers\": %d,"
                .formatted(handle, name, handle.substring(1), followers, followers) + " \"updated\": \"2026-10-01T00:00:00Z\"}";
    }

    static String crm(String id, String email) {
        return "{\"contact_id\": \"%s\", \"first_name\": \"Ada\", \"last_name\": \"King\", \"email\": \"%s\", \"mobile\": \"+44 20 7946 0001\","
                .formatted(id, email) + " \"modified\": \"2026-01-05T10:00:00Z\", \"email_opt_in\": true}";
    }

    /**
     * One run's pull of {@code lines} through the connector, {@code batchSize} rows a batch, read
     * and prepared as the route has them (the stage recognising lines): the first batch is stored,
     * then every other batch is read before the next is stored.
     */
    RunReport.ConnectorCounts pull(String connectorId, int batchSize, List<String> lines) {
        ConnectorConfig connector = config.connector(connectorId);
        SyncRun run = new SyncRun(UUID.randomUUID().toString(), "nightly", "test", Instant.now(), List.of(connectorId), List.of());
        List<SourceRow> rows = IntStream.range(0, lines.size()).mapToObj(i -> new SourceRow("line " + (i + 1), Map.of(), lines.get(i))).toList();
        var batches = new SourceBatches(connectorId, rows.iterator(), new RecordMapper(connector, config.purposes().keySet(), run.startedAt(),
                config.tcfConsent()), batchSize, row -> java.util.Optional.empty(), () -> { }).parsing(this::parse);
        Iterator<SourceBatch> pull = stage.prepareAhead(batches, run);
        stage.ingest(pull.next(), run);
        List<SourceBatch> ahead = new ArrayList<>();
        pull.forEachRemaining(ahead::add);
        ahead.forEach(batch -> stage.ingest(batch, run));
        return run.report().connector(connectorId);
    }

    @SuppressWarnings("unchecked")
    SourceRow parse(SourceRow line) {
        parsed.add(line.raw());
        try {
            return new SourceRow(line.ref(), json.readValue(line.raw(), Map.class), line.raw());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String pulledHash(String system, int fan) {
        return pulledHash(system, recordId(system, "@fan" + fan));
    }

    String pulledHash(String system, String recordId) {
        return store.sql("SELECT pulled_hash FROM source_record WHERE system = :s AND record_id = :id")
                .param("s", system).param("id", recordId).query(String.class).single();
    }

    /** The id a record is stored under: a social handle as its pseudonym, found as the one record whose e-mail index is the handle's. */
    String recordId(String system, String handle) {
        return store.sql("SELECT r.record_id FROM source_record r JOIN record_index i ON i.source_record_id = r.id"
                        + " WHERE r.system = :s AND i.kind = 'email' AND i.hashed = :h")
                .param("s", system).param("h", blindIndex.of("email", handle.substring(1) + "@example.org")).query(String.class).single();
    }
}
