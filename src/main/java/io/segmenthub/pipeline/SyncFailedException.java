package io.segmenthub.pipeline;

/** A sync run that did not complete; the message is the one-line reason the CLI prints. */
public class SyncFailedException extends RuntimeException {

    private final String runId;

    public SyncFailedException(String runId, String message, Throwable cause) {
        super(message, cause);
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }
}
