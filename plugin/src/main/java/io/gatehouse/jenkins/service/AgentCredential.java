package io.gatehouse.jenkins.service;

import java.time.Instant;
import java.util.List;

/**
 * The registry credential an agent gets: a bearer token (username null) limited to {@code scopes} and valid until
 * {@code expiresAt}, or anonymous (both null) for a registry without authentication.
 */
public record AgentCredential(RegistryAuth auth, Instant expiresAt, List<String> scopes) {
    public AgentCredential {
        scopes = List.copyOf(scopes);
    }

    public static AgentCredential anonymous(List<String> scopes) {
        return new AgentCredential(RegistryAuth.ANONYMOUS, null, scopes);
    }

    /** For the build log: what the agent may do and for how long, never the token. */
    public String describe() {
        return auth.isAnonymous() ? "no registry credential (the registry needs none)"
                : "a registry token for " + String.join(" ", scopes) + " valid until " + expiresAt + " (not the service account's secret)";
    }
}
