package io.segmenthub.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segmenthub.connector.ConnectorType;
import io.segmenthub.system.ConfigException;
import io.segmenthub.system.HubConfig;
import io.segmenthub.system.HubConfigLoader;
import jakarta.validation.Validation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.env.MockEnvironment;

/** Every shipped example loads with the real loader once its secrets are set, and names the missing secret otherwise. */
class ShippedExamplesTest {

    static final List<String> SECRETS = List.of("FXIAOKE_APP_ID", "FXIAOKE_APP_SECRET", "FXIAOKE_PERMANENT_CODE", "FXIAOKE_OPEN_USER_ID",
            "JDY_API_KEY", "JDY_APP_ID", "JDY_ENTRY_ID", "JDY_WEBHOOK_SECRET", "KINGDEE_CLIENT_ID", "KINGDEE_CLIENT_SECRET", "KINGDEE_APP_KEY",
            "KINGDEE_APP_SECRET", "CHANJET_APP_KEY", "CHANJET_APP_SECRET", "CHANJET_REFRESH_TOKEN", "ANALYTICS_CLIENT_ID",
            "ANALYTICS_CLIENT_SECRET", "SOCIAL_TOKEN");

    @TempDir
    Path tmp;

    HubConfig load(String example, MockEnvironment env) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("config"));
        for (String file : List.of("hub.yml", "purposes.yml", "segments.yml")) {
            Files.copy(Path.of("config", file), dir.resolve(file));
        }
        Files.copy(Path.of("config/examples", example + ".yml"), dir.resolve("connectors.yml"));
        return new HubConfigLoader(env, Validation.buildDefaultValidatorFactory().getValidator()).load(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fxiaoke", "jiandaoyun", "kingdee", "chanjet", "web-analytics", "social"})
    void loadsWithItsSecretsSet(String example) throws Exception {
        MockEnvironment env = new MockEnvironment();
        SECRETS.forEach(s -> env.setProperty(s, "value-of-" + s));

        HubConfig config = load(example, env);

        assertThat(config.connectors()).isNotEmpty().allSatisfy(c -> {
            assertThat(c.type()).isEqualTo(ConnectorType.HTTP);
            assertThat(c.http().baseUrl()).startsWith("https://");
        });
        config.destinations().forEach(d -> assertThat(d.http().request().path()).isNotBlank());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fxiaoke", "jiandaoyun", "kingdee", "chanjet", "web-analytics", "social"})
    void failsAtStartNamingTheFileAndKeyOfAMissingSecret(String example) {
        assertThatThrownBy(() -> load(example, new MockEnvironment()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectors.yml")
                .hasMessageContaining("connectors[0].http")
                .hasMessageContaining("not set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fxiaoke", "jiandaoyun", "kingdee", "chanjet", "web-analytics", "social"})
    void areNotActiveInTheQuickstartConfig(String example) throws Exception {
        assertThat(Files.readString(Path.of("config/connectors.yml"))).doesNotContain("type: http");
    }
}
