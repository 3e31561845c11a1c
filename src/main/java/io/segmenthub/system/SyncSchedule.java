package io.segmenthub.system;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import java.util.List;

/**
 * A named sync with its Quartz cron; empty connector or destination lists mean all of them.
 * {@code misfire} says what happens to a tick that could not fire on time (every instance was down,
 * or the previous run of this sync was still going): {@code run-once} (default) runs once as soon
 * as possible, however many ticks were missed; {@code skip} waits for the next tick.
 */
public record SyncSchedule(
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be lower-case letters, digits, - or _") String id,
        @NotBlank String cron,
        List<String> connectors,
        List<String> destinations,
        Misfire misfire) {

    /** Quartz's misfire instructions for cron triggers, by the names hub.yml uses. */
    public enum Misfire {
        @JsonProperty("run-once") RUN_ONCE(1), // CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW
        @JsonProperty("skip") SKIP(2);         // CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING

        private final int quartzInstruction;

        Misfire(int quartzInstruction) {
            this.quartzInstruction = quartzInstruction;
        }

        public int quartzInstruction() {
            return quartzInstruction;
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public SyncSchedule {
        connectors = connectors == null ? List.of() : List.copyOf(connectors);
        destinations = destinations == null ? List.of() : List.copyOf(destinations);
        misfire = misfire == null ? Misfire.RUN_ONCE : misfire;
    }

    public SyncSchedule(String id, String cron, List<String> connectors, List<String> destinations) {
        this(id, cron, connectors, destinations, Misfire.RUN_ONCE);
    }
}
