package io.segmenthub.system;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the hub finds its config, routes and data, and its keystore secret. The password comes
 * only from the environment variable {@code SEGMENT_HUB_KEYSTORE_PASSWORD} (see application.yml),
 * never from a config file. {@code h2AdvisedProfiles}: past this many golden profiles on the
 * embedded H2 store, each run's report and log advise PostgreSQL. {@code pulledHashesHeldAfter}
 * and {@code pulledHashesHeldAtMost}: once a pull has looked up this many of a system's rows one
 * batch at a time, at least half of them pulled as before, the system's pulled hashes are read in
 * one scan and held for the rest of the pull, unless the system holds more records than the second.
 */
@Validated
@ConfigurationProperties("segmenthub")
public record HubProperties(
        @NotBlank String configDir,
        @NotBlank String routesDir,
        @NotBlank String dataDir,
        @NotBlank String keystore,
        String keystorePassword,
        boolean schedulesEnabled,
        boolean syncOnStart,
        int h2AdvisedProfiles,
        @Positive int pulledHashesHeldAfter,
        @Positive int pulledHashesHeldAtMost) {
}
