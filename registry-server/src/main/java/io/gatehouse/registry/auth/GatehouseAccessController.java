package io.gatehouse.registry.auth;

import io.gatehouse.registry.audit.DenialAudit;

import java.util.Set;

/**
 * The registry's access controller: authenticates the caller ({@link Authenticator}) and checks the scope a
 * route needs against what the caller holds — the access entries of its bearer token, or, for Basic and
 * anonymous callers, the live {@link AccessRules}.
 *
 * <p>Answers, in the order they are decided:
 * <ul>
 * <li>bad credentials or an invalid/expired/foreign token: 401 with a Bearer challenge
 *     ({@code error="invalid_token"} for tokens); too many failed logins: 429 with {@code Retry-After};</li>
 * <li>{@code /v2/} itself: any authenticated caller (a token, even an anonymous one, or Basic); no credentials at
 *     all get the 401 challenge that tells clients where the token endpoint is;</li>
 * <li>the scope is held: allowed — except for a repository hidden from the caller, which answers 404
 *     {@code NAME_UNKNOWN}, exactly as a repository that does not exist;</li>
 * <li>the scope is not held: 401 challenge for anonymous callers, 401 {@code error="insufficient_scope"} for
 *     token holders (the challenge names the scope to ask for), 403 {@code DENIED} for Basic callers.</li>
 * </ul>
 * A token holder holds only what the token carries, never everything its subject could get: on the management API
 * it acts as a system admin only when the token carries {@code api:system:admin} (handlers that widen their answer
 * for system admins, such as the list of organizations, see the principal without the flag otherwise).
 * Refusals of authenticated callers (the last two cases, and the hidden-repository 404) go to the
 * {@link DenialAudit}; the anonymous challenge does not (every docker login starts with one).
 */
public final class GatehouseAccessController implements AccessController {

    private final Authenticator authenticator;
    private final AccessRules rules;
    private final Challenges challenges;
    private final DenialAudit denials;

    public GatehouseAccessController(Authenticator authenticator, AccessRules rules, Challenges challenges, DenialAudit denials) {
        this.authenticator = authenticator;
        this.rules = rules;
        this.challenges = challenges;
        this.denials = denials;
    }

    @Override
    public Decision authorize(String authorization, String remoteAddress, Scope required) {
        RequestContext.remoteAddress(remoteAddress);
        Authenticator.Result r = authenticator.authenticate(authorization, remoteAddress, required);
        if (r instanceof Authenticator.Rejected rej) return rej.denied();
        Authenticator.Authenticated a = (Authenticator.Authenticated) r;
        Principal p = a.principal();

        if (required.isBase()) {
            return a.via() == Authenticator.Via.NONE ? challenges.authenticationRequired(null) : new Decision.Allowed(p);
        }

        Set<String> held = switch (a.via()) {
            case BEARER -> a.token().actions(required.type(), required.name());
            case BASIC, NONE -> rules.allowed(p, required);
        };
        boolean repository = Scope.REPOSITORY.equals(required.type());
        if (required.satisfiedBy(held)) {
            if (repository && rules.hidden(p, required.name())) return audited(p, required, remoteAddress, Challenges.nameUnknown());
            boolean managementApi = Scope.API.equals(required.type()) || Scope.ORG.equals(required.type());
            if (a.via() == Authenticator.Via.BEARER && managementApi && p.systemAdmin()
                    && !Scope.systemAdmin().satisfiedBy(a.token().actions(Scope.API, "system"))) {
                return new Decision.Allowed(p.withoutSystemAdmin());
            }
            return new Decision.Allowed(p);
        }
        return switch (a.via()) {
            case NONE -> challenges.authenticationRequired(required);
            case BEARER -> audited(p, required, remoteAddress, challenges.insufficientScope(required));
            case BASIC -> audited(p, required, remoteAddress, Challenges.denied());
        };
    }

    /**
     * The same decision for a caller the web interface already knows (a signed-in session, re-checked against its
     * account generation, or anonymous): what {@link #authorize} answers a Basic caller (or a caller without
     * credentials) of that principal for {@code required}, hidden repositories and refusal audit included. The web
     * interface asks here, with the scope of the API route a page shows, so a page is allowed exactly when that
     * API call would be.
     */
    public Decision authorizeSession(Principal p, String remoteAddress, Scope required) {
        RequestContext.remoteAddress(remoteAddress);
        boolean repository = Scope.REPOSITORY.equals(required.type());
        if (required.satisfiedBy(rules.allowed(p, required))) {
            if (repository && rules.hidden(p, required.name())) return audited(p, required, remoteAddress, Challenges.nameUnknown());
            return new Decision.Allowed(p);
        }
        if (p.isAnonymous()) return challenges.authenticationRequired(required);
        return audited(p, required, remoteAddress, Challenges.denied());
    }

    /** Records the refusal of an authenticated caller (anonymous ones are skipped by {@link DenialAudit}). */
    private Decision audited(Principal p, Scope required, String remoteAddress, Decision.Denied d) {
        denials.denied(p, required.toString(), remoteAddress, d.status(), d.errorCode());
        return d;
    }

    @Override
    public boolean mayRead(Principal principal, String repository) {
        return rules.mayRead(principal, repository);
    }

    public AccessRules rules() {
        return rules;
    }
}
