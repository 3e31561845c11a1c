package io.segmenthub.pipeline;

/** A run was asked for while another one is in progress. */
public class SyncBusyException extends RuntimeException {
    public SyncBusyException(String message) {
        super(message);
    }
}
