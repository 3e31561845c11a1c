package io.segmenthub.segment.clv;

/**
 * A CLV model cannot be fitted to the data given: there is none, none of the kind the model needs
 * (the spend model needs repeat buyers), or the likelihood has no usable maximum. The message says
 * which; it refers to customers by id only.
 */
public class ClvFitException extends RuntimeException {

    public ClvFitException(String message) {
        super(message);
    }

    public ClvFitException(String message, Throwable cause) {
        super(message, cause);
    }
}
