package io.gatehouse.core.model;

/** A manifest or index that cannot be parsed or breaks the image-spec (say which rule, never echo huge bodies). */
public class InvalidManifestException extends IllegalArgumentException {
    public InvalidManifestException(String message) {
        super(message);
    }

    public InvalidManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
