package io.segmenthub.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenthub.crypto.MasterKeys;
import io.segmenthub.testing.HubProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two hubs from the packaged jar, clustered on one PostgreSQL store, with a sync every 3 seconds:
 * every tick runs once, on one instance, and runs never overlap; a run started by hand on the other
 * instance is refused naming the holder; the instance running a sync is killed with SIGKILL in the
 * middle of its pull, and the survivor picks the sync up at the next tick, marks the dead run
 * abandoned and finishes the work without storing anything twice.
 *
 * <p>The ERP source is a PostgreSQL table read through a query that takes 3 ms per row, so a run
 * over 1,500 new rows lasts long enough to be killed half-way. Needs PostgreSQL: the server of
 * {@code SEGMENT_HUB_DB_URL} (CI), else 127.0.0.1:5432 as {@code postgres}; skipped when that is not
 * reachable and the variable is not set. Creates and drops its own database
 * ({@code <database>_cluster_it}).
 */
class ClusteredSchedulingIT {

    static final String KEYSTORE_PASSWORD = UUID.randomUUID().toString();
    static final String ADMIN_HASH = "$2a$10$0IDsw8aI/0GQJVcLnnlU5ekURLs2lljnqoht7fVL3kscHyk4/Shoy"; // admin-demo
    static final int FIRST_CUSTOMERS = 300;
    static final int LATER_CUSTOMERS = 1500;
    static final Duration START = Duration.ofSeconds(240);

    @TempDir
    Path work;

    String serverUrl;
    String user;
    String password;
    String database;
    String storeUrl;
    JdbcClient store;
    final List<HubProcess> hubs = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void freshDatabase() throws SQLException {
        // the hubs always share a PostgreSQL store, whichever store the suite tests, so CI runs it once, in the PostgreSQL pass
        Assumptions.assumeFalse("h2".equals(System.getenv("SEGMENT_HUB_CI_PASS")), "runs in CI's PostgreSQL pass");
        String configured = System.getenv("SEGMENT_HUB_DB_URL");
        String url = configured != null && configured.startsWith("jdbc:postgresql:") ? configured : "jdbc:postgresql://127.0.0.1:5432/postgres";
        user = Optional.ofNullable(System.getenv("SEGMENT_HUB_DB_USER")).orElse("postgres");
        password = Optional.ofNullable(System.getenv("SEGMENT_HUB_DB_PASSWORD")).orElse("");
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        serverUrl = url.substring(0, slash + 1);
        String base = url.substring(slash + 1).replaceAll("[?].*", "");
        database = (base.isBlank() || base.equals("postgres") ? "segmenthub" : base) + "_cluster_it";
        try (Connection admin = DriverManager.getConnection(serverUrl + "postgres?connectTimeout=5", user, password)) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            admin.createStatement().execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            if (configured != null) {
                throw e; // CI: PostgreSQL must be there
            }
            Assumptions.abort("PostgreSQL is not reachable at " + serverUrl + " (" + e.getMessage()
                    + "); this test needs it: set SEGMENT_HUB_DB_URL or start PostgreSQL on 127.0.0.1:5432");
        }
        storeUrl = serverUrl + database;
        store = JdbcClient.create(new DriverManagerDataSource(storeUrl, user, password));
    }

    @AfterEach
    void cleanUp() throws Exception {
        hubs.forEach(HubProcess::close);
        // the hubs' logs outlive the temporary folder, for whoever reads a CI failure
        Path logs = Files.createDirectories(Path.of("target", "cluster-it"));
        for (HubProcess hub : hubs) {
            Files.writeString(logs.resolve(hub.name() + ".log"), hub.log());
        }
        if (store != null) {
            try (Connection admin = DriverManager.getConnection(serverUrl + "postgres", user, password)) {
                admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    @Test
    void twoInstancesRunEachTickOnceAndTheSurvivorFinishesTheWorkOfAKilledOne() throws Exception {
        Instant began = Instant.now();
        seedErp();
        Path config = writeConfig();
        // both instances must hold the same master key: create it once, before either starts
        MasterKeys.openOrCreate(work.resolve("keystore.bcfks"), KEYSTORE_PASSWORD.toCharArray());
        HubProcess a = startHub("hub-a", config);
        HubProcess b = startHub("hub-b", config);
        for (HubProcess hub : hubs) {
            hub.awaitLog("started in the shared job store", START);
        }
        Map<String, HubProcess> byInstance = Map.of("hub-a", a, "hub-b", b);
        log("both hubs up after %s", Duration.between(began, Instant.now()));

        // 1. both alive: scheduled runs succeed, one per tick
        await("three scheduled runs succeeded", Duration.ofSeconds(60),
                () -> count("SELECT count(*) FROM sync_run WHERE trigger_kind = 'schedule' AND status = 'SUCCEEDED'") >= 3);
        log("three scheduled runs after %s; runs per instance: %s", Duration.between(began, Instant.now()), runsPerInstance());

        // 2. 1,500 new customers: the next run pulls slowly; kill its instance once it stored part of them
        addCustomers(FIRST_CUSTOMERS + 1, LATER_CUSTOMERS, LocalDateTime.parse("2026-11-20T00:00:00"));
        String[] victim = new String[2]; // run id, instance
        await("a run storing the new customers", Duration.ofSeconds(60), () -> {
            var running = store.sql("SELECT r.id, r.instance_id, count(s.id) FROM sync_run r JOIN source_record s ON s.run_id = r.id "
                            + "WHERE r.status = 'RUNNING' AND r.instance_id IS NOT NULL GROUP BY r.id, r.instance_id")
                    .query((rs, n) -> new Object[]{rs.getString(1), rs.getString(2), rs.getLong(3)}).list();
            if (!running.isEmpty() && (long) running.get(0)[2] >= 150) {
                victim[0] = (String) running.get(0)[0];
                victim[1] = (String) running.get(0)[1];
                return true;
            }
            return false;
        });
        HubProcess holder = byInstance.get(victim[1]);
        HubProcess survivor = holder == a ? b : a;
        String survivorId = holder == a ? "hub-b" : "hub-a";

        // a run started by hand on the other instance is refused, naming the holder and since when
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + survivor.port(START) + "/api/runs"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:admin-demo".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(409);
        JsonNode busy = json.readTree(refused.body());
        assertThat(busy.get("holder").asText()).isEqualTo(victim[1]);
        assertThat(busy.get("run").asText()).isEqualTo(victim[0]);
        assertThat(busy.get("error").asText()).contains("in progress on instance " + victim[1] + " since ");

        holder.kill();
        Instant killed = Instant.now();
        long storedByVictim = count("SELECT count(*) FROM source_record WHERE run_id = '" + victim[0] + "'");
        log("killed %s (instance %s) during run %s after it stored %d records", holder, victim[1], victim[0], storedByVictim);

        // 3. the survivor picks the sync up at the next tick and completes it
        String[] pickup = new String[1];
        await("the survivor's run after the kill", Duration.ofSeconds(90), () -> {
            pickup[0] = store.sql("SELECT id FROM sync_run WHERE status = 'SUCCEEDED' AND instance_id = :me AND started_at > :killed "
                            + "ORDER BY started_at LIMIT 1")
                    .param("me", survivorId).param("killed", OffsetDateTime.ofInstant(killed, java.time.ZoneOffset.UTC))
                    .query(String.class).optional().orElse(null);
            return pickup[0] != null;
        });
        log("survivor %s completed run %s %s after the kill", survivorId, pickup[0], Duration.between(killed, Instant.now()));

        // the killed run is marked failed, as abandoned by its instance
        var dead = store.sql("SELECT status, error FROM sync_run WHERE id = :id").param("id", victim[0])
                .query((rs, n) -> List.of(rs.getString(1), rs.getString(2))).single();
        assertThat(dead.get(0)).isEqualTo("FAILED");
        assertThat(dead.get(1)).startsWith("abandoned: instance " + victim[1] + " stopped during the run");

        // nothing stored twice: one record per customer, one data key per sealed record, one profile per person
        int customers = FIRST_CUSTOMERS + LATER_CUSTOMERS;
        int people = customers - customers / 10; // every tenth customer shares the e-mail of the one before
        assertThat(count("SELECT count(*) FROM source_record")).isEqualTo(customers);
        assertThat(count("SELECT count(*) FROM data_key")).isEqualTo(count("SELECT count(DISTINCT data_key_id) FROM source_record"));
        assertThat(count("SELECT count(*) FROM record_index")).isEqualTo(customers);
        assertThat(count("SELECT count(*) FROM golden_profile WHERE merged_into IS NULL")).isEqualTo(people);
        assertThat(count("SELECT count(DISTINCT golden_id) FROM record_golden")).isEqualTo(people);
        // the victim's stored batches stayed, and the survivor recognised them as unchanged
        JsonNode report = json.readTree(store.sql("SELECT report FROM sync_run WHERE id = :id").param("id", pickup[0]).query(String.class).single());
        JsonNode erp = report.get("connectors").get("erp-customers");
        assertThat(count("SELECT count(*) FROM source_record WHERE run_id = '" + victim[0] + "'")).isEqualTo(storedByVictim);
        assertThat(erp.get("unchanged").asLong()).isGreaterThanOrEqualTo(storedByVictim);
        assertThat(erp.get("stored").asLong() + erp.get("unchanged").asLong()).isEqualTo(erp.get("accepted").asLong());
        // the watermark is the newest row's, committed by the survivor's run
        assertThat(store.sql("SELECT position || ' ' || run_id FROM watermark WHERE connector_id = 'erp-customers'").query(String.class).single())
                .isEqualTo(store.sql("SELECT max(updated_at) FROM erp.customers").query(Timestamp.class).single().toLocalDateTime() + " " + pickup[0]);
        // the destination has everyone once; the adds over all runs add up to its list
        List<String> list = Files.readAllLines(work.resolve("out/everyone.csv"));
        assertThat(list).hasSize(people + 1).doesNotHaveDuplicates();
        long adds;
        try (var changes = Files.list(work.resolve("out/everyone"))) {
            adds = changes.flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(line -> line.startsWith("add,")).count();
        }
        assertThat(adds).as("adds pushed over all runs").isEqualTo(people);

        // one run per tick, no two runs at once, and Quartz never handed one tick to both instances
        assertThat(count("SELECT count(*) FROM sync_run WHERE trigger_kind = 'schedule'")).isEqualTo(count("SELECT count(*) FROM sync_tick"));
        List<Instant[]> spans = store.sql("SELECT started_at, finished_at FROM sync_run ORDER BY started_at")
                .query((rs, n) -> new Instant[]{rs.getObject(1, OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(rs.getObject(2, OffsetDateTime.class)).map(OffsetDateTime::toInstant).orElse(Instant.MAX)}).list();
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i)[0]).as("run %d starts after run %d ended", i, i - 1).isAfterOrEqualTo(spans.get(i - 1)[1]);
        }
        assertThat(a.log() + b.log()).doesNotContain("already run by instance");
        // the audit log is one unbroken chain over both instances' runs, the killed one included
        HttpResponse<String> audit = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + survivor.port(START) + "/api/audit/verify"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:admin-demo".getBytes(StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(audit.statusCode()).isEqualTo(200);
        assertThat(json.readTree(audit.body()).get("intact").asBoolean()).as(audit.body()).isTrue();
        log("%d runs in all (%s), test took %s", spans.size(), runsPerInstance(), Duration.between(began, Instant.now()));
    }

    HubProcess startHub(String instance, Path config) {
        HubProcess hub = HubProcess.start(instance, work, List.of(
                "--config=" + config,
                "--segmenthub.routes-dir=" + Path.of("routes").toAbsolutePath(),
                "--segmenthub.data-dir=" + work.resolve(instance),
                "--segmenthub.keystore=" + work.resolve("keystore.bcfks"),
                "--spring.profiles.active=postgres,cluster",
                "--server.port=0",
                "--segmenthub.cluster.instance-id=" + instance,
                "--segmenthub.cluster.lease-ttl=4s",
                "--segmenthub.cluster.lease-heartbeat=1s",
                "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=1000"),
                Map.of("SEGMENT_HUB_DB_URL", storeUrl, "SEGMENT_HUB_DB_USER", user, "SEGMENT_HUB_DB_PASSWORD", password,
                        "SEGMENT_HUB_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD, "IT_ERP_PASSWORD", password));
        hubs.add(hub);
        return hub;
    }

    void seedErp() {
        store.sql("CREATE SCHEMA erp").update();
        store.sql("""
                CREATE TABLE erp.customers (customer_no VARCHAR(20) PRIMARY KEY, given_name VARCHAR(50), family_name VARCHAR(50),
                  email VARCHAR(100), updated_at TIMESTAMP NOT NULL)""").update();
        // an ERP that answers slowly: 3 ms per row read, so a large pull can be interrupted half-way
        store.sql("CREATE FUNCTION erp.paced() RETURNS boolean LANGUAGE sql VOLATILE AS 'SELECT true FROM pg_sleep(0.003)'").update();
        addCustomers(1, FIRST_CUSTOMERS, LocalDateTime.parse("2026-11-01T00:00:00"));
    }

    /**
     * Made-up customers, in one statement so a run sees all or none of them; every tenth shares the
     * e-mail of the one before (one person, two ERP accounts).
     */
    void addCustomers(int first, int n, LocalDateTime from) {
        store.sql("""
                        INSERT INTO erp.customers
                        SELECT 'K' || i, 'Given' || p, 'Family' || p, 'person' || p || '@example.test', CAST(:from AS TIMESTAMP) + i * INTERVAL '1 minute'
                        FROM (SELECT i, CASE WHEN i % 10 = 0 THEN i - 1 ELSE i END AS p FROM generate_series(:first, :last) AS i) AS c""")
                .param("from", Timestamp.valueOf(from)).param("first", first).param("last", first + n - 1).update();
    }

    Path writeConfig() throws Exception {
        Path config = work.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("users.yml"), "users:\n  - {name: admin, password-hash: \"" + ADMIN_HASH + "\", roles: [admin, compliance]}\n");
        Files.writeString(config.resolve("hub.yml"), """
                hub:
                  personal-data: [given_name, family_name, full_name, email, phone, street, postcode, birth_date]
                  default-region: GB
                  scoring: {as-of: 2026-11-22, currency: GBP}
                syncs:
                  - id: every-3s
                    cron: "*/3 * * * * ?"
                """);
        Files.writeString(config.resolve("purposes.yml"), """
                purposes:
                  - id: customer_account
                    basis: contract
                """);
        Files.writeString(config.resolve("segments.yml"), """
                segments:
                  - id: everyone
                    purpose: customer_account
                    rule: "true"
                """);
        Files.writeString(config.resolve("connectors.yml"), """
                connectors:
                  - id: erp-customers
                    type: jdbc
                    system: erp
                    purpose: customer_account
                    batch-size: 50
                    jdbc:
                      url: "%s"
                      username: "%s"
                      password: "${IT_ERP_PASSWORD:}"
                      query: SELECT * FROM erp.customers WHERE updated_at >= :watermark AND erp.paced()
                      watermark-column: updated_at
                      fetch-size: 50
                    mapping:
                      id: customer_no
                      updated-at: updated_at
                      identity: {given_name: given_name, family_name: family_name, email: email}
                destinations:
                  - id: everyone-file
                    type: file
                    purpose: customer_account
                    segments: [everyone]
                    file: {dir: "%s"}
                """.formatted(storeUrl, user, work.resolve("out")));
        return config;
    }

    long count(String sql) {
        return store.sql(sql).query(Long.class).single();
    }

    Map<String, Long> runsPerInstance() {
        Map<String, Long> out = new java.util.TreeMap<>();
        store.sql("SELECT COALESCE(instance_id, '?') || ' ' || status, count(*) FROM sync_run GROUP BY instance_id, status")
                .query(rs -> {
                    out.put(rs.getString(1), rs.getLong(2));
                });
        return out;
    }

    void await(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                StringBuilder logs = new StringBuilder();
                hubs.forEach(h -> logs.append("\n--- ").append(h).append('\n').append(h.tail()));
                throw new AssertionError("timed out waiting for " + what + " (" + timeout + "); runs: " + runsPerInstance() + logs);
            }
            Thread.sleep(100);
        }
    }

    static void log(String format, Object... args) {
        System.out.println("[ClusteredSchedulingIT] " + String.format(format, args));
    }
}
