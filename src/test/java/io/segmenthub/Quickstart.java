package io.segmenthub;

import java.nio.file.Path;

import org.springframework.test.context.DynamicPropertyRegistry;

/** The quickstart as shipped ({@code config/} and {@code samples/}), with its data, ERP and pushed files in a test's own folder. */
final class Quickstart {

    private Quickstart() {
    }

    static void register(DynamicPropertyRegistry registry, Path root) {
        Path data = root.resolve("data");
        registry.add("segmenthub.config-dir", () -> "config");
        registry.add("segmenthub.data-dir", data::toString);
        registry.add("segmenthub.keystore", () -> data.resolve("keystore.bcfks").toString());
        registry.add("segmenthub.keystore-password", () -> HubFixture.PASSWORD);
        registry.add("segmenthub.schedules-enabled", () -> "false");
        registry.add("spring.flyway.clean-disabled", () -> "false");
        registry.add("ERP_DB_URL", () -> "jdbc:h2:file:" + data.resolve("erp").toAbsolutePath());
        registry.add("SEGMENT_HUB_OUT_DIR", () -> root.resolve("out").toString());
        if (!StoreUnderTest.onPostgres()) {
            registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + data.resolve("hub").toAbsolutePath());
        }
    }
}
