package io.gatehouse.core.reference;

/** A repository name, tag or image reference that breaks the OCI/docker grammar. */
public class InvalidNameException extends IllegalArgumentException {
    public InvalidNameException(String message) {
        super(message);
    }
}
