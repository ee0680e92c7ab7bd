package io.gatehouse.registry.content;

/** A request the registry refuses, carrying the exact OCI error to answer with. */
public class RegistryException extends RuntimeException {
    private final transient OciError error;

    public RegistryException(OciError error) {
        super(error.code() + ": " + error.message(), null, false, false);
        this.error = error;
    }

    public OciError error() {
        return error;
    }
}
