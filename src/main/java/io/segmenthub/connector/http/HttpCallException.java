package io.segmenthub.connector.http;

import io.segmenthub.connector.ConnectorException;

import java.util.Optional;

/**
 * A request that failed for good (after its retries), with what kind of failure it was so the
 * connection test can name the step. The message names the connector, the request path, the
 * status and the vendor's error code; never a response body, which may hold personal data.
 */
public class HttpCallException extends ConnectorException {

    public enum Kind { DNS, CONNECT, TLS, TIMEOUT, AUTH, PERMISSION, NOT_FOUND, REJECTED, THROTTLED, SERVER }

    private final Kind kind;
    private final int status;

    HttpCallException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    HttpCallException(Kind kind, int status, String message) {
        this(kind, status, message, null);
    }

    public Kind kind() {
        return kind;
    }

    public Optional<Integer> status() {
        return status == 0 ? Optional.empty() : Optional.of(status);
    }
}
