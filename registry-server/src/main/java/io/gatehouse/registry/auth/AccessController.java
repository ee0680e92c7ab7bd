package io.gatehouse.registry.auth;

/**
 * The one place that decides who is asking and whether they may. Every route of the Distribution API and
 * of the management API asks it before doing anything else, so no handler carries its own permission logic.
 */
public interface AccessController {

    /**
     * Authenticates the caller from its {@code Authorization} header and checks that it holds {@code required}.
     *
     * @param authorization the request's Authorization header, or null when none was sent
     * @param remoteAddress the client address, for throttling and the audit log
     * @param required      what the route needs, in Docker's scope terms
     * @return {@link Decision.Allowed} with the caller, or {@link Decision.Denied} with the response to send
     */
    Decision authorize(String authorization, String remoteAddress, Scope required);

    /**
     * Whether {@code principal} may see (pull from) {@code repository} at all. Used to filter listings such as
     * {@code /v2/_catalog}, so nobody learns that a repository they cannot read exists.
     */
    boolean mayRead(Principal principal, String repository);
}
