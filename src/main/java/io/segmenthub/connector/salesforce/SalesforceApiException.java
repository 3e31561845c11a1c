package io.segmenthub.connector.salesforce;

import io.segmenthub.connector.ConnectorException;

/**
 * A call to Salesforce that failed: the HTTP status and Salesforce's {@code errorCode}
 * ({@code INVALID_SESSION_ID}, {@code REQUEST_LIMIT_EXCEEDED}, {@code INVALID_TYPE}, ...). The
 * message names the connector and the call, never record contents.
 */
public class SalesforceApiException extends ConnectorException {

    private final int status;
    private final String errorCode;

    public SalesforceApiException(String message, int status, String errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode == null ? "" : errorCode;
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    /** The org ran out of API requests for the day (HTTP 403 REQUEST_LIMIT_EXCEEDED). */
    public boolean limitExceeded() {
        return "REQUEST_LIMIT_EXCEEDED".equals(errorCode);
    }
}
