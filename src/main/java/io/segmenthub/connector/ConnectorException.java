package io.segmenthub.connector;

/** A source or destination that cannot be read or written; the message names the connector, never record contents. */
public class ConnectorException extends RuntimeException {
    public ConnectorException(String message) {
        super(message);
    }

    public ConnectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
