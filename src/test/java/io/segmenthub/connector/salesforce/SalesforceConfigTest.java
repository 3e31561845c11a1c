package io.segmenthub.connector.salesforce;

import io.segmenthub.connector.DestinationConfig;
import io.segmenthub.system.ConfigException;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubConfigLoader;
import jakarta.validation.Validation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The documented example ({@code docs/connectors/salesforce-example.yml}) added to the quickstart
 * config loads; a missing or wrong Salesforce setting stops start-up naming the file, key and problem.
 */
class SalesforceConfigTest {

    @TempDir
    Path dir;
    MockEnvironment environment;

    @BeforeEach
    void quickstartPlusTheExample() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("config"))) {
            for (Path file : files.toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
        String example = Files.readString(Path.of("docs/connectors/salesforce-example.yml"));
        String connectors = example.substring(example.indexOf("connectors:\n") + "connectors:\n".length(), example.indexOf("\ndestinations:\n") + 1);
        String destinations = example.substring(example.indexOf("destinations:\n") + "destinations:\n".length());
        String real = Files.readString(dir.resolve("connectors.yml"));
        Files.writeString(dir.resolve("connectors.yml"), real.replace("connectors:\n", "connectors:\n" + connectors)
                .replace("destinations:\n", "destinations:\n" + destinations));
        Path keystore = Files.writeString(dir.resolveSibling(dir.getFileName() + "-hub.p12"), "not read at start-up");
        environment = new MockEnvironment()
                .withProperty("SALESFORCE_CLIENT_ID", "3MVG9-example")
                .withProperty("SALESFORCE_CLIENT_SECRET", "s3cret")
                .withProperty("SALESFORCE_INTEGRATION_USER", "integration@example.com")
                .withProperty("SALESFORCE_JWT_KEYSTORE", keystore.toString())
                .withProperty("SALESFORCE_JWT_KEYSTORE_PASSWORD", "changeit")
                .withProperty("SALESFORCE_CHAMPIONS_CAMPAIGN_ID", "7015g000000AbCdAAK");
    }

    HubConfig load() {
        return new HubConfigLoader(environment, Validation.buildDefaultValidatorFactory().getValidator()).load(dir);
    }

    ConfigException failure() {
        ConfigException e = catchThrowableOfType(ConfigException.class, this::load);
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e;
    }

    void edit(String from, String to) throws IOException {
        Path file = dir.resolve("connectors.yml");
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    void theDocumentedExampleLoads() {
        HubConfig config = load();

        SalesforceSettings contacts = config.connector("sf-contacts").salesforce();
        assertThat(contacts.loginUrlOrDefault()).isEqualTo("https://login.salesforce.com");
        assertThat(contacts.auth().clientSecret()).isEqualTo("s3cret");
        assertThat(contacts.auth()).hasToString("Auth[flow=CLIENT_CREDENTIALS, clientId=3MVG9-example, username=]");
        assertThat(config.connector("sf-leads").salesforce().auth().flow()).isEqualTo(SalesforceSettings.Auth.Flow.JWT);
        DestinationConfig destination = config.destination("sf-segments");
        assertThat(destination.type()).isEqualTo(DestinationConfig.DestinationType.SALESFORCE);
        assertThat(destination.salesforce().campaigns()).containsEntry("champions", "7015g000000AbCdAAK");
    }

    @Nested
    class StopsStartUp {

        @Test
        void whenASecretIsNotSet() {
            environment = new MockEnvironment().withProperty("SALESFORCE_CLIENT_ID", "x");

            ConfigException e = failure();

            assertThat(e.file()).endsWith(Path.of("connectors.yml"));
            assertThat(e.key()).isEqualTo("connectors[0].salesforce.auth.client-secret");
            assertThat(e.getMessage()).contains("SALESFORCE_CLIENT_SECRET").contains("not set");
        }

        @Test
        void whenTheFlowLacksASecret() throws IOException {
            edit("        client-secret: ${SALESFORCE_CLIENT_SECRET}\n      object: Contact", "      object: Contact");

            ConfigException e = failure();

            assertThat(e.key()).isEqualTo("connectors[0].salesforce.auth.client-secret");
            assertThat(e.getMessage()).contains("is required for flow client_credentials");
        }

        @Test
        void whenTheJwtKeystoreIsMissing() {
            environment.withProperty("SALESFORCE_JWT_KEYSTORE", dir.resolve("nowhere.p12").toString());

            ConfigException e = failure();

            assertThat(e.key()).isEqualTo("connectors[1].salesforce.auth.keystore");
            assertThat(e.getMessage()).contains("no readable keystore file");
        }

        @Test
        void whenTheDestinationNamesAnotherSystem() throws IOException {
            edit("    system: salesforce\n    segments: [champions, win-back]", "    system: erp\n    segments: [champions, win-back]");

            assertThat(failure().key()).isEqualTo("destinations[0].system");
        }

        @Test
        void whenACampaignIdIsMalformed() {
            environment.withProperty("SALESFORCE_CHAMPIONS_CAMPAIGN_ID", "not-a-campaign");

            assertThat(failure().getMessage()).contains("campaigns").contains("must be a Campaign id");
        }
    }
}
