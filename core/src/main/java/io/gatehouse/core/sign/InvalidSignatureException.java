package io.gatehouse.core.sign;

/** A signature artifact that cannot be read: malformed payload or manifest. */
public class InvalidSignatureException extends RuntimeException {
    public InvalidSignatureException(String message) {
        super(message);
    }
}
