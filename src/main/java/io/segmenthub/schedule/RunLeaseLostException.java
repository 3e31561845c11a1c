package io.segmenthub.schedule;

/** A run's lease expired and another instance took it over: the run must not commit. */
public class RunLeaseLostException extends RuntimeException {
    public RunLeaseLostException(String message) {
        super(message);
    }
}
