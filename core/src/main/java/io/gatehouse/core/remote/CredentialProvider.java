package io.gatehouse.core.remote;

import java.util.Map;
import java.util.Optional;

/** Finds credentials for a registry host (as in image references: docker.io, host:port). Small on purpose. */
@FunctionalInterface
public interface CredentialProvider {
    Optional<Credentials> forRegistry(String registry);

    static CredentialProvider anonymous() {
        return r -> Optional.empty();
    }

    /** The same credentials for exactly this registry (docker.io also matching registry-1.docker.io). */
    static CredentialProvider of(String registry, Credentials credentials) {
        return r -> DockerConfigCredentials.sameRegistry(r, registry) ? Optional.of(credentials) : Optional.empty();
    }

    static CredentialProvider of(Map<String, Credentials> byRegistry) {
        return r -> byRegistry.entrySet().stream().filter(e -> DockerConfigCredentials.sameRegistry(r, e.getKey()))
                .map(Map.Entry::getValue).findFirst();
    }

    /** This provider, then the other. */
    default CredentialProvider orElse(CredentialProvider other) {
        return r -> {
            Optional<Credentials> c = forRegistry(r);
            return c.isPresent() ? c : other.forRegistry(r);
        };
    }
}
