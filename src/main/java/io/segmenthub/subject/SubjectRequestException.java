package io.segmenthub.subject;

/** A subject request that cannot be carried out as asked; the message never repeats the identifier. */
public class SubjectRequestException extends RuntimeException {
    public SubjectRequestException(String message) {
        super(message);
    }
}
