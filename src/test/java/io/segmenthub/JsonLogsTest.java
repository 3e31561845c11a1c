package io.segmenthub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code json-logs} profile: every line the hub logs during a sync is one ECS JSON object
 * carrying the run id, and none of them holds personal data of the people in the run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles(resolver = JsonLogsTest.WithTheStoreUnderTest.class)
@ExtendWith(OutputCaptureExtension.class)
class JsonLogsTest {

    static Path root;
    static HubFixture fixture;

    /** json-logs, and postgres too when the suite runs against PostgreSQL. */
    static final class WithTheStoreUnderTest implements org.springframework.test.context.ActiveProfilesResolver {
        @Override
        public String[] resolve(Class<?> testClass) {
            return StoreUnderTest.onPostgres() ? new String[]{"postgres", "json-logs"} : new String[]{"json-logs"};
        }
    }

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) throws IOException {
        root = Files.createTempDirectory("segmenthub-json-logs");
        fixture = new HubFixture(root).writeConfig();
        StoreUnderTest.register(registry, fixture);
    }

    @BeforeAll
    static void configureLoggingAgain() {
        // Spring Boot configures logging once per JVM; runs before this class's context is built, so it configures JSON
        LoggingSystem.get(JsonLogsTest.class.getClassLoader()).cleanUp();
    }

    @AfterAll
    static void removeTheFolder() {
        // and let the next test context configure plain-text logging again
        LoggingSystem.get(JsonLogsTest.class.getClassLoader()).cleanUp();
        org.springframework.util.FileSystemUtils.deleteRecursively(root.toFile());
    }

    @Autowired SyncRunner runner;
    @Autowired Flyway flyway;
    @Autowired JdbcConnections connections;

    @Test
    void aSyncLogsOneJsonObjectPerLineWithTheRunIdAndNoPersonalData(CapturedOutput output) throws IOException {
        fixture.reset(flyway, connections);
        int from = output.getOut().length();
        SyncRun run = runner.run("nightly", "test");
        String logged = output.getOut().substring(from);

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logged.split("\n")) {
            if (!line.isBlank()) {
                lines.add(json.readTree(line)); // throws when a line is not JSON
            }
        }
        assertThat(lines).isNotEmpty();
        assertThat(lines).allSatisfy(l -> assertThat(l.path("@timestamp").isTextual()).isTrue());
        List<JsonNode> ofTheRun = lines.stream().filter(l -> l.path("message").asText().contains("stage=")).toList();
        assertThat(ofTheRun).isNotEmpty().allSatisfy(l -> assertThat(l.path("run").asText()).isEqualTo(run.id()));
        assertThat(lines).anySatisfy(l -> assertThat(l.path("message").asText()).isEqualTo("run=" + run.id() + " succeeded"));
        for (String plaintext : HubFixture.PLAINTEXT) {
            assertThat(logged).doesNotContain(plaintext);
        }
    }
}
