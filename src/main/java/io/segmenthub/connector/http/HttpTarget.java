package io.segmenthub.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * A declarative REST destination: segment membership written back onto the destination system's
 * own records (a tag field). With {@code batch-size} 1 the {@code request} is sent once per member
 * and sees {@code {{external_id}}}, {@code {{golden_id}}}, {@code {{segment}}}, {@code {{action}}}
 * ({@code add} or {@code remove}) and {@code {{value}}} ({@code add-value} or {@code remove-value});
 * with a larger batch size it is sent once per batch, and {@code {{records}}} is the array of
 * {@code item} rendered per member. {@code idempotency-header} carries a key derived from the
 * batch's content, so a retried push is recognised by APIs that honour it.
 */
public record HttpTarget(
        @NotBlank String baseUrl,
        @Valid HttpAuth auth,
        @Valid @NotNull HttpSettings.Request request,
        JsonNode item,
        @Positive Integer batchSize,
        String addValue,
        String removeValue,
        String idempotencyHeader,
        @Valid HttpSettings.Errors errors,
        @Positive Integer timeoutSeconds,
        @Positive Double requestsPerSecond) {

    public HttpAuth authOrNone() {
        return auth == null ? HttpAuth.NONE : auth;
    }

    public int batchSizeOrDefault() {
        return batchSize == null ? 1 : batchSize;
    }

    public String addValueOrDefault() {
        return addValue == null ? "{{segment}}" : addValue;
    }

    public String removeValueOrDefault() {
        return removeValue == null ? "" : removeValue;
    }

    public HttpSettings.Errors errorsOrDefault() {
        return errors == null ? HttpSettings.Errors.DEFAULT : errors;
    }

    public int timeoutSecondsOrDefault() {
        return timeoutSeconds == null ? 30 : timeoutSeconds;
    }
}
