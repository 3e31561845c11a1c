package io.segmenthub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.pipeline.SyncRunner;
import io.segmenthub.profile.LineageExport;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quickstart as shipped (config/ and samples/), synced in full: no e-mail, phone or name from
 * the inputs may appear in the store, the logs, the quarantine or the lineage export meant for
 * analysts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ExtendWith(OutputCaptureExtension.class)
class QuickstartNoPlaintextTest {

    @TempDir
    static Path root;

    @DynamicPropertySource
    static void quickstart(DynamicPropertyRegistry registry) {
        Quickstart.register(registry, root);
    }

    @Autowired SyncRunner runner;
    @Autowired LineageExport lineage;
    @Autowired DataSource hubDataSource;
    @Autowired Flyway flyway;

    @Test
    void aFullQuickstartSyncLeavesNoPlaintextInStoreLogsQuarantineOrExports(CapturedOutput output) throws IOException {
        flyway.clean();
        flyway.migrate();
        SyncRun run = runner.run("nightly", "test");
        Path export = root.resolve("lineage.csv");
        lineage.write(export);

        List<String> needles = samplePersonalData();
        assertThat(needles).hasSizeGreaterThan(2000);
        assertThat(run.report().profiles().total()).isGreaterThan(1000);

        PlaintextFinder finder = new PlaintextFinder(needles);
        assertThat(finder.scan(hubDataSource)).as("store tables").isEmpty();
        assertThat(finder.find(output.getAll())).as("log output").isEmpty();
        assertThat(finder.find(Files.readString(export, StandardCharsets.UTF_8))).as("lineage export").isEmpty();
        // the quickstart shows behaviour clusters, described in words that name no one
        assertThat(run.report().clusters()).hasSizeBetween(2, 8);
        assertThat(finder.find(run.report().format())).as("run report").isEmpty();
        if (!StoreUnderTest.onPostgres()) {
            String file = new String(Files.readAllBytes(root.resolve("data/hub.mv.db")), StandardCharsets.UTF_8);
            assertThat(finder.find(file)).as("database file").isEmpty();
        }
        // the finder does find what it looks for: the pushed e-mail list holds real addresses
        String pushed;
        try (var files = Files.walk(root.resolve("out"))) {
            pushed = files.filter(p -> p.toString().endsWith("-changes.csv")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).reduce("", String::concat);
        }
        assertThat(finder.find(pushed)).isNotEmpty();
    }

    /** E-mails, phones (digits) and full names from the CRM, social and consent samples. */
    private static List<String> samplePersonalData() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> needles = new LinkedHashSet<>();
        for (JsonNode c : json.readTree(Path.of("samples/crm/contacts.json").toFile())) {
            text(c, "email").ifPresent(e -> needles.add(e.trim().toLowerCase()));
            text(c, "mobile").map(m -> m.replaceAll("\\D", "")).filter(d -> d.length() >= 8).ifPresent(d -> needles.add(d.substring(d.length() - 8)));
            String first = text(c, "first_name").orElse("");
            String last = text(c, "last_name").orElse("");
            if (!first.isEmpty() && !last.isEmpty()) {
                needles.add(Pattern.matches("\\p{IsHan}+", last) ? last + first : first + " " + last);
            }
        }
        for (JsonNode p : json.readTree(Path.of("samples/social/profiles.json").toFile())) {
            text(p, "email").ifPresent(e -> needles.add(e.trim().toLowerCase()));
            text(p, "handle").ifPresent(needles::add);
        }
        for (String line : Files.readAllLines(Path.of("samples/consent/consent_events.csv"))) {
            String email = line.split(",", -1)[0];
            if (email.contains("@")) {
                needles.add(email.trim().toLowerCase());
            }
        }
        return new ArrayList<>(needles);
    }

    private static java.util.Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? java.util.Optional.empty() : java.util.Optional.of(v.asText());
    }
}
