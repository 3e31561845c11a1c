package io.segmenthub;

import io.segmenthub.connector.JdbcConnections;
import io.segmenthub.pipeline.SyncFailedException;
import io.segmenthub.pipeline.SyncRunner;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run whose destination cannot be written fails after Camel's retries, with the reason in the
 * run history, and commits no watermark and no push state, so the next run starts over.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class FailedRunTest {

    @TempDir
    static Path root;
    static HubFixture fixture;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) {
        fixture = new HubFixture(root).writeConfig();
        StoreUnderTest.register(registry, fixture);
    }

    @Autowired SyncRunner runner;
    @Autowired JdbcClient store;
    @Autowired Flyway flyway;
    @Autowired JdbcConnections connections;

    @BeforeEach
    void cleanWorld() throws Exception {
        fixture.reset(flyway, connections);
        // the newsletter's folder is a plain file: every write to it fails
        Files.writeString(fixture.out, "not a folder");
    }

    @Test
    void failedPushFailsTheRunAndCommitsNothing() throws Exception {
        assertThatThrownBy(() -> runner.run("nightly", "test"))
                .isInstanceOf(SyncFailedException.class)
                .hasMessageContaining("destination 'newsletter'");

        assertThat(store.sql("SELECT status FROM sync_run").query(String.class).single()).isEqualTo("FAILED");
        assertThat(store.sql("SELECT error FROM sync_run").query(String.class).single()).contains("newsletter");
        assertThat(store.sql("SELECT COUNT(*) FROM watermark").query(Long.class).single()).isZero();
        assertThat(store.sql("SELECT COUNT(*) FROM push_state WHERE destination_id = 'newsletter'").query(Long.class).single()).isZero();

        // once the destination is back, the next run pulls again and pushes everything
        Files.delete(fixture.out);
        var next = runner.run("nightly", "test");
        assertThat(next.report().connector("crm").pulled()).isEqualTo(4);
        // Ada and Bob: Zhang has consent but no e-mail address, and the newsletter pushes addresses
        assertThat(next.report().destination("newsletter").adds()).isEqualTo(2);
        assertThat(store.sql("SELECT COUNT(*) FROM watermark").query(Long.class).single()).isPositive();
    }
}
