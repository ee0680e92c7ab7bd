package io.gatehouse.core.sign;

/**
 * A key that cannot be used: unreadable PEM, an unsupported algorithm or curve, a wrong passphrase.
 * Messages name the problem and never carry key material or passphrases.
 */
public class KeyFormatException extends RuntimeException {
    public KeyFormatException(String message) {
        super(message);
    }

    public KeyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
