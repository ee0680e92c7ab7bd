package io.gatehouse.registry.audit;

import io.gatehouse.registry.auth.Principal;

import java.util.List;

/**
 * The registry's record of security-relevant events: logins, failed logins, permission changes, pushes, deletes,
 * and (from other capabilities) promotions and signatures. Append-only; queryable through the management API.
 */
public interface AuditLog {

    /**
     * Stores one event. Called inside a transaction on the same database (the content journal) the insert joins that
     * transaction, so the change and its record commit together.
     *
     * Outside a transaction an implementation may queue the event durably (a spool) when its store refuses it.
     *
     * @throws AuditUnavailableException when the event could not be stored: the caller must not report success
     */
    void record(AuditEvent event);

    /** Convenience for callers that have the principal at hand: stamps the current time. */
    void record(Principal actor, String action, String target, String sourceAddress, AuditEvent.Outcome outcome, String detail);

    List<AuditEvent> query(AuditQuery query);
}
