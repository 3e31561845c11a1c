package io.segmenthub.system;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import java.util.List;

/** A named sync with its Quartz cron; empty connector or destination lists mean all of them. */
public record SyncSchedule(
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be lower-case letters, digits, - or _") String id,
        @NotBlank String cron,
        List<String> connectors,
        List<String> destinations) {

    public SyncSchedule {
        connectors = connectors == null ? List.of() : List.copyOf(connectors);
        destinations = destinations == null ? List.of() : List.copyOf(destinations);
    }
}
