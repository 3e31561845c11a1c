package io.segmenthub;

import io.segmenthub.system.ConfigException;
import io.segmenthub.system.HubStartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.NestedExceptionUtils;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A hub with bad config or no keystore password refuses to start and says why, naming file and key. */
class StartupFailureTest {

    @TempDir
    Path root;

    private Throwable start(HubFixture fixture, String password) {
        return catchThrowable(() -> new SpringApplicationBuilder(SegmentHub.class)
                .web(WebApplicationType.NONE)
                .run("--segmenthub.config-dir=" + fixture.config,
                        "--segmenthub.data-dir=" + fixture.data,
                        "--segmenthub.keystore=" + fixture.data.resolve("keystore.bcfks"),
                        "--segmenthub.keystore-password=" + password,
                        "--segmenthub.schedules-enabled=false",
                        "--spring.datasource.url=jdbc:h2:mem:" + java.util.UUID.randomUUID())
                .close());
    }

    @Test
    void badCronFailsAtStartNamingFileKeyAndProblem() throws Exception {
        HubFixture fixture = new HubFixture(root).writeConfig();
        Path hub = fixture.config.resolve("hub.yml");
        Files.writeString(hub, Files.readString(hub).replace("0 0 2 * * ?", "every night"));

        Throwable failure = start(fixture, "secret");

        Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
        assertThat(cause).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hub.yml")
                .hasMessageContaining("syncs[0].cron")
                .hasMessageContaining("'every night' is not a Quartz cron expression");
    }

    @Test
    void unknownConnectorTypeFailsAtStartListingTheKnownTypes() throws Exception {
        HubFixture fixture = new HubFixture(root).writeConfig();
        Path connectors = fixture.config.resolve("connectors.yml");
        Files.writeString(connectors, Files.readString(connectors).replaceFirst("type: file", "type: ftp"));

        Throwable cause = NestedExceptionUtils.getMostSpecificCause(start(fixture, "secret"));

        assertThat(cause).isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectors.yml: connectors[0].type: 'ftp' is not valid; expected one of file, jdbc");
    }

    @Test
    void missingKeystorePasswordRefusesToStartAndNamesTheVariable() {
        HubFixture fixture = new HubFixture(root).writeConfig();

        Throwable cause = NestedExceptionUtils.getMostSpecificCause(start(fixture, ""));

        assertThat(cause).isInstanceOf(HubStartupException.class).hasMessageContaining("SEGMENT_HUB_KEYSTORE_PASSWORD");
        assertThat(fixture.data.resolve("keystore.bcfks")).doesNotExist();
    }
}
