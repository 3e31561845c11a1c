package io.segmenthub.connector.salesforce;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

import java.time.Duration;
import java.util.List;

/**
 * A Salesforce org and the object a connector pulls from it, as declared under {@code salesforce:}
 * in {@code connectors.yml}.
 * <ul>
 *   <li>{@code loginUrl}: {@code https://login.salesforce.com}, {@code https://test.salesforce.com}
 *       or the org's My Domain; {@code instanceUrl} only when the token answer does not name it;</li>
 *   <li>{@code auth}: how the hub signs in (see {@link Auth}); secrets are written as
 *       {@code ${ENV_VAR}} and resolved at start-up;</li>
 *   <li>{@code object}, {@code fields}, {@code where}: the SOQL query
 *       {@code SELECT Id, SystemModstamp, <fields> FROM <object> WHERE SystemModstamp >= <watermark> AND (<where>)};
 *       the mapping reads these field names (dotted names reach into relationships: {@code Account.Name});</li>
 *   <li>{@code bulkThreshold}: a pull that would return more records than this (a COUNT() first)
 *       runs as a Bulk API 2.0 query job instead of REST paging; 0 turns Bulk off; its CSV result
 *       is fetched {@code bulkPageSize} records at a time;</li>
 *   <li>{@code maxApiUsage}: the share of the org's daily API allocation (as reported in
 *       {@code Sforce-Limit-Info}) past which the hub stops pulling, leaving the rest to the
 *       next run.</li>
 * </ul>
 */
public record SalesforceSettings(
        @Pattern(regexp = "https?://[^\\s/]+(:[0-9]+)?/?", message = "must be an http(s) URL of the login host, e.g. https://login.salesforce.com") String loginUrl,
        String instanceUrl,
        @Pattern(regexp = "[0-9]{2}\\.0", message = "must be an API version such as 59.0") String apiVersion,
        @Valid @NotNull Auth auth,
        @Pattern(regexp = "[A-Za-z][A-Za-z0-9_]{0,79}", message = "must be an sObject API name such as Contact, Lead or Segment_Member__c") String object,
        List<@NotBlank @Pattern(regexp = "[A-Za-z][A-Za-z0-9_.]{0,200}", message = "must be a field API name") String> fields,
        String where,
        @PositiveOrZero Long bulkThreshold,
        @jakarta.validation.constraints.Positive Integer bulkPageSize,
        @DecimalMin(value = "0.05", message = "must be between 0.05 and 1.0") @DecimalMax(value = "1.0", message = "must be between 0.05 and 1.0") Double maxApiUsage,
        Duration bulkPollInterval,
        Duration bulkTimeout,
        Duration timeout) {

    public static final String DEFAULT_LOGIN_URL = "https://login.salesforce.com";

    public SalesforceSettings {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public String loginUrlOrDefault() {
        String url = loginUrl == null || loginUrl.isBlank() ? DEFAULT_LOGIN_URL : loginUrl;
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public String apiVersionOrDefault() {
        return apiVersion == null ? "59.0" : apiVersion;
    }

    public long bulkThresholdOrDefault() {
        return bulkThreshold == null ? 50_000 : bulkThreshold;
    }

    public int bulkPageSizeOrDefault() {
        return bulkPageSize == null ? 10_000 : bulkPageSize;
    }

    public double maxApiUsageOrDefault() {
        return maxApiUsage == null ? 0.8 : maxApiUsage;
    }

    public Duration bulkPollIntervalOrDefault() {
        return bulkPollInterval == null ? Duration.ofSeconds(5) : bulkPollInterval;
    }

    public Duration bulkTimeoutOrDefault() {
        return bulkTimeout == null ? Duration.ofMinutes(30) : bulkTimeout;
    }

    public Duration timeoutOrDefault() {
        return timeout == null ? Duration.ofSeconds(60) : timeout;
    }

    /**
     * How the hub signs in to the org, with a connected app (OAuth 2.0):
     * {@code client_credentials} (client id and secret, run-as user set on the app),
     * {@code jwt} (client id, {@code username}, and the app certificate's private key in a PKCS#12
     * or JKS {@code keystore} with {@code keystorePassword}, or in an unencrypted PEM file named
     * {@code .pem} or {@code .key}),
     * {@code refresh_token} (client id and secret and a {@code refreshToken}), or
     * {@code username_password} (legacy; client id and secret, {@code username}, {@code password}).
     */
    public record Auth(
            @NotNull Flow flow,
            @NotBlank String clientId,
            String clientSecret,
            String username,
            String password,
            String refreshToken,
            String keystore,
            String keystorePassword) {

        public enum Flow { CLIENT_CREDENTIALS, JWT, REFRESH_TOKEN, USERNAME_PASSWORD }

        @Override
        public String toString() { // never print secrets
            return "Auth[flow=" + flow + ", clientId=" + clientId + ", username=" + (username == null ? "" : "(set)") + "]";
        }
    }
}
