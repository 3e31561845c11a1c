package io.segmenthub;

import org.springframework.test.context.DynamicPropertyRegistry;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hub store a Spring test runs against: an H2 file in the test's folder by default, or the
 * PostgreSQL named by {@code SEGMENT_HUB_DB_URL} when the {@code postgres} profile is active
 * (CI runs the whole suite both ways).
 */
final class StoreUnderTest {

    private StoreUnderTest() {
    }

    static boolean onPostgres() {
        String profiles = System.getProperty("spring.profiles.active", System.getenv().getOrDefault("SPRING_PROFILES_ACTIVE", ""));
        return profiles.contains("postgres");
    }

    static void register(DynamicPropertyRegistry registry, HubFixture fixture) {
        registry.add("segmenthub.config-dir", () -> fixture.config.toString());
        registry.add("segmenthub.data-dir", () -> fixture.data.toString());
        registry.add("segmenthub.keystore", () -> fixture.data.resolve("keystore.bcfks").toString());
        registry.add("segmenthub.keystore-password", () -> HubFixture.PASSWORD);
        registry.add("segmenthub.schedules-enabled", () -> "false");
        registry.add("spring.flyway.clean-disabled", () -> "false");
        if (!onPostgres()) {
            registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + fixture.data.resolve("hub").toAbsolutePath());
        }
    }

    /** Every value of every table of the store that contains one of the needles, as "table.column". */
    static List<String> scan(DataSource ds, List<String> needles) {
        List<String> found = new ArrayList<>();
        eachValue(ds, (where, text) -> {
            for (String needle : needles) {
                if (text.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT))) {
                    found.add(where + " contains a test value");
                }
            }
        });
        return found;
    }

    /** Calls back with ("table.column", value as text) for every value in every table of the store. */
    static void eachValue(DataSource ds, java.util.function.BiConsumer<String, String> callback) {
        try (Connection c = ds.getConnection()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[]{"TABLE"})) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    // the store is the connection's own schema; a test may keep other data (an ERP) in another one
                    if (schema != null && (schema.equalsIgnoreCase("INFORMATION_SCHEMA") || schema.startsWith("pg_")
                            || c.getSchema() != null && !schema.equalsIgnoreCase(c.getSchema()))) {
                        continue;
                    }
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            for (String table : tables) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            Object v = rs.getObject(i);
                            String text = v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v);
                            callback.accept(table + "." + rs.getMetaData().getColumnName(i), text);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
