package io.gatehouse.core.remote;

import java.util.List;

/**
 * A registry answered with an error, or could not be talked to. The message names the request (method and path,
 * never the query string or headers, which may carry upload state or credentials), the status and the OCI error codes.
 */
public class RegistryException extends RuntimeException {
    private final int status;
    private final List<String> errorCodes;

    public RegistryException(String message, int status, List<String> errorCodes) {
        super(message);
        this.status = status;
        this.errorCodes = List.copyOf(errorCodes);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errorCodes = List.of();
    }

    /** HTTP status, or 0 when no response came (connection refused, timeout, redirect loop…). */
    public int status() {
        return status;
    }

    /** OCI error codes from the body, e.g. MANIFEST_UNKNOWN, BLOB_UNKNOWN, DENIED. */
    public List<String> errorCodes() {
        return errorCodes;
    }

    public boolean isNotFound() {
        return status == 404;
    }
}
