package io.segmenthub.segment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * A rule segment from {@code segments.yml}: a CEL expression over profile facts and the consent
 * purpose a member must have granted before the segment is pushed anywhere.
 */
public record SegmentDefinition(
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be lower-case letters, digits, - or _") String id,
        String description,
        @NotBlank String purpose,
        @NotBlank String rule) {
}
