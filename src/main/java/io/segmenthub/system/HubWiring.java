package io.segmenthub.system;

import io.segmenthub.crypto.BlindIndex;
import io.segmenthub.crypto.CryptoException;
import io.segmenthub.crypto.EnvelopeCipher;
import io.segmenthub.crypto.MasterKeys;
import io.segmenthub.crypto.PersonalDataVault;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import io.segmenthub.profile.IdentityCleaner;
import jakarta.validation.Validator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** Wiring of the hub's own beans: config, keys, cleaning, the clock. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HubProperties.class)
class HubWiring {

    static final String PASSWORD_VARIABLE = "SEGMENT_HUB_KEYSTORE_PASSWORD";

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    HubConfig hubConfig(HubProperties properties, Environment environment, Validator validator) {
        Path routes = Path.of(properties.routesDir());
        if (!Files.isDirectory(routes)) {
            throw new ConfigException(routes.toAbsolutePath(), "segmenthub.routes-dir",
                    "the Camel routes folder does not exist; run the hub from the repository folder or set --segmenthub.routes-dir=DIR");
        }
        return new HubConfigLoader(environment, validator).load(Path.of(properties.configDir()));
    }

    @Bean
    MasterKeys masterKeys(HubProperties properties) {
        String password = properties.keystorePassword();
        if (password == null || password.isBlank()) {
            throw new HubStartupException("The hub refuses to start without a keystore password: set the environment variable "
                    + PASSWORD_VARIABLE + " (it protects the master key in " + properties.keystore() + ").");
        }
        try {
            return MasterKeys.openOrCreate(Path.of(properties.keystore()), password.toCharArray());
        } catch (CryptoException e) {
            throw new HubStartupException("The keystore cannot be opened: " + e.getMessage(), e);
        }
    }

    @Bean
    EnvelopeCipher envelopeCipher(MasterKeys keys) {
        return new EnvelopeCipher(keys);
    }

    @Bean
    PersonalDataVault personalDataVault(EnvelopeCipher cipher, JdbcClient jdbc, NamedParameterJdbcTemplate named, Clock clock,
                                        HubProperties properties) {
        return new PersonalDataVault(cipher, jdbc, named, clock,
                () -> MasterKeys.openOrCreate(Path.of(properties.keystore()), properties.keystorePassword().toCharArray()));
    }

    @Bean
    BlindIndex blindIndex(MasterKeys keys) {
        return new BlindIndex(keys);
    }

    @Bean
    IdentityCleaner identityCleaner(Clock clock) {
        return new IdentityCleaner(clock);
    }
}
