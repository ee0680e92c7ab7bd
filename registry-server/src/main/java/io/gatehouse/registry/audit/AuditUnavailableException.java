package io.gatehouse.registry.audit;

/**
 * The audit log could not store an event. Callers refuse the action they were recording (503): a security product
 * that loses its audit trail silently is worse than one that stops changing things until the store is back.
 */
public final class AuditUnavailableException extends RuntimeException {

    /** What the client is told; says nothing about the store beyond that it failed. */
    public static final String MESSAGE = "the audit log cannot be written; see the registry log";

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
