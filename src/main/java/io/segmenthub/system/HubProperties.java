package io.segmenthub.system;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the hub finds its config, routes and data, and its keystore secret. The password comes
 * only from the environment variable {@code SEGMENT_HUB_KEYSTORE_PASSWORD} (see application.yml),
 * never from a config file. {@code h2AdvisedProfiles}: past this many golden profiles on the
 * embedded H2 store, each run's report and log advise PostgreSQL. {@code pullLanes}: how many
 * source systems a run pulls side by side (see {@code PullPlan}); 1 pulls one connector at a time.
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
        @Positive Integer pullLanes) {

    /**
     * One unless set: on the 2-core machine the benchmarks ran on, with PostgreSQL beside the hub,
     * both cores were busy throughout a pull and two lanes took as long as one (docs/benchmarks.md).
     */
    public int pullLanesOrDefault() {
        return pullLanes == null ? 1 : pullLanes;
    }
}
