package io.segmenthub.consent;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.util.List;
import java.util.Optional;

/**
 * A purpose of processing (GDPR Art. 5(1)(b) purpose limitation) with the lawful basis it rests
 * on. {@code consentValidDays}, when set, makes a granted consent expire that many days after it
 * was given (at most a hundred years: an expiry is stored as a date-time). {@code tcfPurposes}
 * maps it to IAB TCF purposes (1-11): a TC string grants it when every listed TCF purpose has
 * consent.
 */
public record Purpose(
        @NotBlank @Pattern(regexp = "[a-z][a-z0-9_]{0,63}", message = "must be lower_snake_case") String id,
        @NotNull LawfulBasis basis,
        String description,
        @Positive @Max(value = 36_500, message = "must be at most 36500 (a hundred years)") Integer consentValidDays,
        List<@Min(1) @Max(11) Integer> tcfPurposes) {

    public Purpose {
        tcfPurposes = tcfPurposes == null ? List.of() : List.copyOf(tcfPurposes);
    }

    public Purpose(String id, LawfulBasis basis, String description, Integer consentValidDays) {
        this(id, basis, description, consentValidDays, List.of());
    }

    public Optional<Integer> validity() {
        return Optional.ofNullable(consentValidDays);
    }
}
