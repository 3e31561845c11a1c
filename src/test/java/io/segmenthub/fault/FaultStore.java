package io.segmenthub.fault;

import io.segmenthub.connector.JdbcConnections;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.util.FileSystemUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The store a fault test's hub runs on (H2 in the world's folder, or PostgreSQL in the CI pass), and helpers around it. */
final class FaultStore {

    private FaultStore() {
    }

    static boolean onPostgres() {
        String profiles = System.getProperty("spring.profiles.active", System.getenv().getOrDefault("SPRING_PROFILES_ACTIVE", ""));
        return profiles.contains("postgres");
    }

    static String postgresUrl() {
        return System.getenv().getOrDefault("SEGMENT_HUB_DB_URL", "jdbc:postgresql://127.0.0.1:5432/segmenthub_test");
    }

    static String h2Url(FaultWorld world) {
        return "jdbc:h2:file:" + world.data.resolve("hub").toAbsolutePath();
    }

    static void register(DynamicPropertyRegistry registry, FaultWorld world) {
        registry.add("segmenthub.config-dir", () -> world.config.toString());
        registry.add("segmenthub.data-dir", () -> world.data.toString());
        registry.add("segmenthub.keystore", () -> world.data.resolve("keystore.bcfks").toString());
        registry.add("segmenthub.keystore-password", () -> keystorePassword(world));
        registry.add("segmenthub.schedules-enabled", () -> "false");
        registry.add("spring.flyway.clean-disabled", () -> "false");
        if (!onPostgres()) {
            registry.add("spring.datasource.url", () -> h2Url(world));
        }
    }

    static String keystorePassword(FaultWorld world) {
        return "fault-suite-keystore-" + world.people + "-" + world.root.getFileName();
    }

    /** A clean store, empty source and destination databases, no pushed files, the sources as written. */
    static void reset(FaultWorld world, Flyway flyway, JdbcConnections connections) {
        flyway.clean();
        flyway.migrate();
        new JdbcTemplate(connections.get(world.erpUrl, "sa", null)).execute("DROP ALL OBJECTS");
        new JdbcTemplate(connections.get(world.destinationUrl, "sa", null)).execute("DROP ALL OBJECTS");
        FileSystemUtils.deleteRecursively(world.out.toFile());
        world.writeSources();
    }

    /** The world's personal values found in the text (none, or the test fails naming them). */
    static List<String> leaks(String text, FaultWorld world) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        for (String value : world.plaintext()) {
            if (lower.contains(value.toLowerCase(Locale.ROOT))) {
                found.add(value);
            }
        }
        return found;
    }

    static String shorten(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 90 ? oneLine.substring(0, 90) + "…" : oneLine;
    }
}
