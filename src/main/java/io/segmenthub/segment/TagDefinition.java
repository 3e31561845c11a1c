package io.segmenthub.segment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * A tag from the {@code tags:} list of {@code segments.yml}: a free label ({@code vip},
 * {@code churn-risk}) that a CEL rule puts on profiles each run. A tag is a segment without a
 * holdout: membership is kept and pushed the same way (stints, diffs, consent for both the tag's
 * and the destination's purpose), to destinations that list it under {@code tags}.
 */
public record TagDefinition(
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be lower-case letters, digits, - or _") String id,
        String description,
        @NotBlank String purpose,
        @NotBlank String rule) {

    /** The tag as the segment machinery sees it: same id, purpose and rule, no holdout. */
    public SegmentDefinition asSegment() {
        return new SegmentDefinition(id, description, purpose, rule);
    }
}
