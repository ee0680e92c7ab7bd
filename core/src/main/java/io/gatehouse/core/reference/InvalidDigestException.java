package io.gatehouse.core.reference;

/** A digest string that is malformed or names an algorithm we cannot verify. */
public class InvalidDigestException extends IllegalArgumentException {
    public InvalidDigestException(String message) {
        super(message);
    }
}
