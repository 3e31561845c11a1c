package io.segmenthub.connector.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.segmenthub.connector.Watermarks;
import io.segmenthub.crypto.EnvelopeCipher;
import io.segmenthub.crypto.MasterKeys;
import io.segmenthub.crypto.PersonalDataVault;
import io.segmenthub.pipeline.SourceBatch;
import io.segmenthub.pipeline.SourceRecord;
import io.segmenthub.pipeline.SyncRun;
import io.segmenthub.sync.SegmentPush;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubConfigLoader;
import jakarta.validation.Validation;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.env.MockEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * A shipped example config loaded by the real loader, pointed at a local WireMock server, with the
 * hub's store (H2, migrations applied) behind the real source and destination. Every value is made up.
 */
final class HttpFixture implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");

    final WireMockServer api = new WireMockServer(wireMockConfig().dynamicPort());
    final JdbcDataSource dataSource = new JdbcDataSource();
    final JdbcClient jdbc;
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final HubConfig config;
    final Watermarks watermarks;
    final HttpStateStore state;
    final HttpSource source;
    final HttpDestination destination;
    private int runs;
    private static EnvelopeCipher cipher;

    /** One keystore for all HTTP tests: creating one derives keys slowly on purpose. */
    static synchronized EnvelopeCipher cipher() throws java.io.IOException {
        if (cipher == null) {
            Path dir = Files.createTempDirectory("http-tests-keys");
            dir.toFile().deleteOnExit();
            cipher = new EnvelopeCipher(MasterKeys.openOrCreate(dir.resolve("keystore.bcfks"), "pw-for-tests".toCharArray()));
        }
        return cipher;
    }

    /** Loads {@code config/examples/<example>.yml} as connectors.yml beside the default hub, purposes and segments. */
    HttpFixture(String example, Path tmp, Map<String, String> env) throws Exception {
        api.start();
        dataSource.setURL("jdbc:h2:mem:http-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        Path dir = Files.createDirectories(tmp.resolve("config"));
        for (String file : List.of("hub.yml", "purposes.yml", "segments.yml")) {
            Files.copy(Path.of("config", file), dir.resolve(file));
        }
        Files.copy(Path.of("config/examples", example + ".yml"), dir.resolve("connectors.yml"));
        MockEnvironment environment = new MockEnvironment();
        env.forEach((k, v) -> environment.setProperty(k, v.replace("{{wiremock}}", api.baseUrl())));
        config = new HubConfigLoader(environment, Validation.buildDefaultValidatorFactory().getValidator()).load(dir);
        var vault = new PersonalDataVault(cipher(), jdbc, new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(dataSource), clock, () -> null);
        watermarks = new Watermarks(jdbc, clock);
        state = new HttpStateStore(jdbc, vault, clock);
        ObjectMapper json = new ObjectMapper();
        source = new HttpSource(config, json, watermarks, state, clock);
        destination = new HttpDestination(config, json, state, clock);
    }

    /** Pulls a connector as a run does; on success commits the watermark and the run's other commits, as SyncRunner does. */
    Pull pull(String connectorId) {
        SyncRun run = new SyncRun("run-" + (++runs), "test", "test", NOW, List.of(connectorId), List.of());
        List<SourceBatch> batches = new ArrayList<>();
        Iterator<SourceBatch> it = source.open(run, connectorId);
        it.forEachRemaining(b -> {
            batches.add(b);
            b.watermark().ifPresent(w -> run.advanceWatermark(connectorId, w));
        });
        watermarks.commit(run.pendingWatermarks(), run.id());
        run.commits().forEach(Runnable::run);
        return new Pull(run, batches);
    }

    record Pull(SyncRun run, List<SourceBatch> batches) {
        List<SourceRecord> records() {
            return batches.stream().flatMap(b -> b.records().stream()).toList();
        }

        List<String> ids() {
            return records().stream().map(SourceRecord::recordId).toList();
        }
    }

    SegmentPush push(String destinationId, String segment, List<String> addExternalIds, List<String> removeExternalIds) {
        var adds = addExternalIds.stream().map(id -> new SegmentPush.Row("g-" + id, id, Map.of())).toList();
        var removes = removeExternalIds.stream().map(id -> new SegmentPush.Row("g-" + id, id, Map.of())).toList();
        SegmentPush push = new SegmentPush(destinationId, segment, List.of("golden_id", "external_id"), adds, removes, 0, 0);
        return destination.write(push, new SyncRun("push-run", "test", "test", NOW, List.of(), List.of(destinationId)));
    }

    @Override
    public void close() {
        api.stop();
        jdbc.sql("SHUTDOWN").update();
    }
}
