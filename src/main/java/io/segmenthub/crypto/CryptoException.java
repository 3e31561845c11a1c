package io.segmenthub.crypto;

/**
 * The one exception the crypto feature throws for expected failures: a keystore that cannot be
 * opened, a data key that does not unwrap, a ciphertext that does not authenticate. Messages name
 * files and key ids so an operator can act, and never carry key material, passwords or plaintext.
 */
public class CryptoException extends RuntimeException {

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
