package io.segmenthub.connector;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * A file source: {@code path} is one file, or a drop folder whose files (matching {@code pattern})
 * are read in name order and moved to {@code .done/} once the run that read them has persisted.
 */
public record FileSettings(@NotBlank String path, @NotNull FileFormat format, String pattern) {

    public String patternOrDefault() {
        return pattern == null ? "*" : pattern;
    }
}
