package io.segmenthub.connector;

/**
 * A pull was asked to go on after it had stopped part-way (a failed read or a failed batch). It is
 * deliberately not a {@link ConnectorException}: retrying cannot help, the run must fail.
 */
public class SourceInterruptedException extends RuntimeException {

    public SourceInterruptedException(String message) {
        super(message);
    }
}
