package io.gatehouse.registry.cluster;

/** The database that coordinates the replicas did not answer; the request is answered 503 and may be retried. */
public final class ClusterUnavailableException extends RuntimeException {
    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
