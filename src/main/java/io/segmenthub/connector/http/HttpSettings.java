package io.segmenthub.connector.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import java.util.List;
import java.util.Map;

/**
 * A declarative REST source ({@code type: http}): how to authenticate, which request lists the
 * records, how pages follow each other, where the records sit in a response, how to pull only
 * what changed, and which responses are errors even with HTTP 200. Every string in a request may
 * hold {@code {{name}}} templates (see {@link Template}); secrets are written as {@code ${ENV}} and
 * resolved by the config loader. Documented key by key in {@code docs/connectors/http.md}.
 */
public record HttpSettings(
        @NotBlank String baseUrl,
        @Valid HttpAuth auth,
        @Valid @jakarta.validation.constraints.NotNull Request request,
        @Valid Paging paging,
        @NotBlank @Pattern(regexp = "(/.*)?", message = "must be a JSON pointer such as /data/list") String records,
        @Valid Incremental incremental,
        Boolean hashDiff,
        @Valid Errors errors,
        @Positive Integer timeoutSeconds,
        @Positive Double requestsPerSecond,
        @Valid Webhook webhook) {

    public HttpAuth authOrNone() {
        return auth == null ? HttpAuth.NONE : auth;
    }

    public Paging pagingOrNone() {
        return paging == null ? new Paging(Paging.Type.NONE, null, null, null, null, null, null, null) : paging;
    }

    public Errors errorsOrDefault() {
        return errors == null ? Errors.DEFAULT : errors;
    }

    public int timeoutSecondsOrDefault() {
        return timeoutSeconds == null ? 30 : timeoutSeconds;
    }

    public boolean hashDiffOrDefault() {
        return hashDiff != null && hashDiff;
    }

    /** One HTTP request: {@code path} is relative to the base URL (or absolute), {@code body} a JSON template. */
    public record Request(String method, @NotBlank String path, Map<String, String> query, Map<String, String> headers, JsonNode body,
                          Map<String, String> form) {
        public Request {
            query = query == null ? Map.of() : Map.copyOf(query);
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            form = form == null ? Map.of() : Map.copyOf(form);
        }

        public String methodOrDefault() {
            return method == null ? (body != null || !form.isEmpty() ? "POST" : "GET") : method.toUpperCase(java.util.Locale.ROOT);
        }
    }

    /**
     * How pages follow each other. The request's templates see {@code {{offset}}}, {@code {{limit}}},
     * {@code {{page}}} and {@code {{last_id}}}; {@code next-url} reads the next page's URL from the
     * response and {@code done} a boolean that says there is none.
     */
    public record Paging(@jakarta.validation.constraints.NotNull Type type, @Positive Integer limit, @PositiveOrZero Integer startPage,
                         String nextUrl, String done, String idField, String total, @Positive Integer maxPages) {
        public enum Type {
            @JsonProperty("none") NONE, @JsonProperty("next-url") NEXT_URL, @JsonProperty("offset") OFFSET,
            @JsonProperty("page") PAGE, @JsonProperty("keyset") KEYSET
        }

        public int limitOrDefault() {
            return limit == null ? 100 : limit;
        }

        public int startPageOrDefault() {
            return startPage == null ? 1 : startPage;
        }

        public int maxPagesOrDefault() {
            return maxPages == null ? 100_000 : maxPages;
        }
    }

    /**
     * Pull only what changed: {@code {{cursor}}} in the request is the last committed value of
     * {@code field} minus {@code look-back-seconds} (records changed while the last run paged are
     * read again instead of missed); {@code format} is {@code epoch-millis}, {@code epoch-seconds}
     * or {@code iso} (ISO-8601 instant).
     */
    public record Incremental(@NotBlank String field, Format format, @PositiveOrZero Long lookBackSeconds, String initial) {
        public enum Format {
            @JsonProperty("epoch-millis") EPOCH_MILLIS, @JsonProperty("epoch-seconds") EPOCH_SECONDS, @JsonProperty("iso") ISO
        }

        public Format formatOrDefault() {
            return format == null ? Format.ISO : format;
        }

        public long lookBackSecondsOrDefault() {
            return lookBackSeconds == null ? 300 : lookBackSeconds;
        }
    }

    /**
     * Which responses are failures. With HTTP 200, the value at {@code code} (a JSON pointer) must be
     * one of {@code success}; {@code throttle-codes} are retried after a back-off like HTTP 429;
     * {@code auth-codes} (and HTTP 401) make the connector log in again and repeat the request.
     */
    public record Errors(String code, List<String> success, String message, List<String> throttleCodes, List<String> authCodes,
                         List<Integer> retryStatuses, List<Integer> throttleStatuses, @PositiveOrZero Integer maxRetries,
                         @PositiveOrZero Long backoffMillis, @PositiveOrZero Long maxBackoffMillis) {

        static final Errors DEFAULT = new Errors(null, null, null, null, null, null, null, null, null, null);

        public Errors {
            success = success == null ? List.of() : List.copyOf(success);
            throttleCodes = throttleCodes == null ? List.of() : List.copyOf(throttleCodes);
            authCodes = authCodes == null ? List.of() : List.copyOf(authCodes);
            retryStatuses = retryStatuses == null ? List.of(500, 502, 503, 504) : List.copyOf(retryStatuses);
            throttleStatuses = throttleStatuses == null ? List.of(429) : List.copyOf(throttleStatuses);
        }

        public int maxRetriesOrDefault() {
            return maxRetries == null ? 5 : maxRetries;
        }

        public long backoffMillisOrDefault() {
            return backoffMillis == null ? 1000 : backoffMillis;
        }

        /** Also the cap on a server's {@code Retry-After}: a longer wait fails the request instead of stalling the run. */
        public long maxBackoffMillisOrDefault() {
            return maxBackoffMillis == null ? 60_000 : maxBackoffMillis;
        }
    }

    /** An inbound change feed (简道云 webhooks): deliveries signed with {@code secret} are queued for the next run. */
    public record Webhook(@NotBlank String secret, String data) {
        public String dataOrDefault() {
            return data == null ? "/data" : data;
        }
    }
}
