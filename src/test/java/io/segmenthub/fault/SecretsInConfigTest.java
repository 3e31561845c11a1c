package io.segmenthub.fault;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets live in the environment, never in the files a user edits or the jar ships: every
 * password, secret, token or key value in {@code config/} and the application's own YAML is a
 * {@code ${ENV_VAR}} reference (with at most an empty default) or empty, and the keystore password
 * in particular is read only from {@code SEGMENT_HUB_KEYSTORE_PASSWORD}.
 */
@ExtendWith(Reliability.class)
class SecretsInConfigTest {

    /** A key naming a secret and its value, also inside a flow map ({@code headers: {appSecret: ...}}). */
    private static final Pattern SECRET = Pattern.compile(
            "(?i)([a-z0-9_-]*(password|secret|token|api-?key|private-?key)[a-z0-9_-]*)\\s*:\\s*(\\$\\{[^}\\n]*}|\"[^\"]*\"|'[^']*'|[^,}\\n]*)");

    static List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of("config"), Path.of("src/main/resources"))) {
            try (Stream<Path> found = Files.walk(dir)) {
                found.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml") || f.toString().endsWith(".properties"))
                        .forEach(files::add);
            }
        }
        return files;
    }

    /** The keys in a config text whose secret is written out instead of referenced as ${VARIABLE}. */
    static List<String> literalSecrets(String config) {
        List<String> literal = new ArrayList<>();
        String text = config.replaceAll("(?m)(^|\\s)#.*$", ""); // comments are prose
        Matcher m = SECRET.matcher(text);
        while (m.find()) {
            String key = m.group(1);
            String value = m.group(3).strip().replaceAll("^[\"']|[\"']$", "");
            boolean reference = value.matches("\\$\\{[A-Z0-9_]+(:)?}");
            boolean template = value.matches("\\{\\{[A-Za-z0-9_.]+}}"); // a value the hub fills in at run time, e.g. the session's token
            boolean location = value.startsWith("/") || key.endsWith("-path"); // where a response holds the token, not the token
            boolean empty = value.isEmpty() || value.equals("{");
            if (!key.equals("password-hash") && !reference && !template && !location && !empty) {
                literal.add(key);
            }
        }
        return literal;
    }

    @Test
    void theCheckFindsSecretsWrittenOutAlsoInsideFlowMaps() {
        assertThat(literalSecrets("""
                jdbc:
                  password: hunter2
                  username: sa
                auth:
                  headers: {appKey: "${APP_KEY}", appSecret: "s3cr3t"}
                  refresh-token: ${REFRESH_TOKEN}
                  extract: {access_token: /result/access_token}
                  body: {token: "{{auth.access_token}}"}
                """)).containsExactly("password", "appSecret");
    }

    @Test
    void everySecretInConfigIsAnEnvironmentReference() throws IOException {
        List<String> literal = new ArrayList<>();
        for (Path file : files()) {
            literalSecrets(Files.readString(file)).forEach(key -> literal.add(file + ": " + key));
        }

        assertThat(literal).isEmpty();
        Reliability.record("security", "secrets written into config files",
                "none found: every password, secret and token in config/ and the application YAML is an environment reference", "nothing");
    }

    @Test
    void theKeystorePasswordComesOnlyFromTheEnvironment() throws IOException {
        List<String> settings = new ArrayList<>();
        for (Path file : files()) {
            Files.readAllLines(file).stream().filter(l -> l.contains("keystore-password")).forEach(l -> settings.add(file + ": " + l.strip()));
        }

        assertThat(settings).containsExactly(Path.of("src/main/resources/application.yml") + ": keystore-password: ${SEGMENT_HUB_KEYSTORE_PASSWORD:}");
        Reliability.record("security", "keystore password in a config file",
                "never: application.yml reads it from SEGMENT_HUB_KEYSTORE_PASSWORD (empty default, so a missing one refuses to start); "
                        + "the fault suite also checks its logs never contain it", "nothing");
    }
}
