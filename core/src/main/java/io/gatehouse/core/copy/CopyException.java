package io.gatehouse.core.copy;

/** A copy failed; the message says what and why, and that the target was left without a partial image. */
public class CopyException extends RuntimeException {
    public CopyException(String message, Throwable cause) {
        super(message, cause);
    }

    public CopyException(String message) {
        super(message);
    }
}
