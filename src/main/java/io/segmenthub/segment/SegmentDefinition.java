package io.segmenthub.segment;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
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
        @NotBlank String rule,
        @DecimalMin(value = "0.0", message = "must be a share between 0 and 0.5")
        @DecimalMax(value = "0.5", message = "must be a share between 0 and 0.5") Double holdout) {

    public SegmentDefinition(String id, String description, String purpose, String rule) {
        this(id, description, purpose, rule, null);
    }

    /** The share of entering members kept back as a control group (never pushed); 0 when none. */
    public double holdoutShare() {
        return holdout == null ? 0 : holdout;
    }
}
