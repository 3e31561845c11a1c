package io.segmenthub.system;

/** The hub cannot start; the message says what to do about it. */
public class HubStartupException extends RuntimeException {
    public HubStartupException(String message) {
        super(message);
    }

    public HubStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
