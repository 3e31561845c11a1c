package io.segmenthub.connector.http;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

import java.util.Map;

/**
 * How a connector proves who it is. The blocks combine, which covers every strategy the seed CRMs
 * use: a static API key or bearer token is an {@code inject} of {@code ${SECRET}}; OAuth2 client
 * credentials, a refresh token (rotated and persisted) and a session login are a {@code login}
 * request whose response values ({@code extract}, JSON pointers) are injected into later requests
 * as {@code {{auth.NAME}}}; {@code sign} adds a per-request HMAC with timestamp and nonce.
 */
public record HttpAuth(@Valid HttpSettings.Request login, Map<String, String> extract, String expiresIn, @Valid Signature loginSign,
                       String refreshToken, String refreshTokenPath, @Valid Inject inject, @Valid Signature sign) {

    static final HttpAuth NONE = new HttpAuth(null, null, null, null, null, null, null, null);

    public HttpAuth {
        extract = extract == null ? Map.of() : Map.copyOf(extract);
    }

    public Inject injectOrNone() {
        return inject == null ? new Inject(null, null, null) : inject;
    }

    /** Values added to every request; the body entries are set at the top level of a JSON body. */
    public record Inject(Map<String, String> headers, Map<String, String> query, Map<String, String> body) {
        public Inject {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            query = query == null ? Map.of() : Map.copyOf(query);
            body = body == null ? Map.of() : Map.copyOf(body);
        }
    }

    /**
     * An HMAC over {@code string-to-sign} (a template that sees {@code {{method}}}, {@code {{path}}},
     * {@code {{path_encoded}}}, {@code {{query}}}, {@code {{timestamp}}} (ms), {@code {{nonce}}}),
     * available to the request as {@code {{signature}}}. {@code encoding}: {@code base64},
     * {@code hex}, or {@code base64-hex} (Base64 of the lower-case hex digest, as 金蝶 wants).
     */
    public record Signature(String algorithm, @NotBlank String secret, @NotBlank String stringToSign, String encoding,
                            Map<String, String> headers) {
        public Signature {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public String algorithmOrDefault() {
            return algorithm == null ? "HmacSHA256" : algorithm;
        }

        public String encodingOrDefault() {
            return encoding == null ? "base64" : encoding;
        }
    }

    public boolean logsIn() {
        return login != null;
    }
}
