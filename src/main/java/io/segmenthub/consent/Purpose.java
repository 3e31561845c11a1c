package io.segmenthub.consent;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import java.util.Optional;

/**
 * A purpose of processing (GDPR Art. 5(1)(b) purpose limitation) with the lawful basis it rests
 * on. {@code consentValidDays}, when set, makes a granted consent expire that many days after it
 * was given.
 */
public record Purpose(
        @NotBlank @Pattern(regexp = "[a-z][a-z0-9_]{0,63}", message = "must be lower_snake_case") String id,
        @NotNull LawfulBasis basis,
        String description,
        @Positive Integer consentValidDays) {

    public Optional<Integer> validity() {
        return Optional.ofNullable(consentValidDays);
    }
}
