package io.gatehouse.registry.auth;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Settings of authentication and access control.
 *
 * @param realm          absolute URL of the token endpoint, as clients must call it (e.g. {@code https://reg.example/auth/token});
 *                       a supplier because a server on port 0 knows its URL only after it started
 * @param service        the token audience and the {@code service} of challenges (e.g. the registry's host name)
 * @param issuer         the tokens' {@code iss}
 * @param tokenTtl       bearer token lifetime (at least 60 s)
 * @param anonymousPull  whether anonymous callers may pull {@code public} repositories
 * @param env            where the bootstrap admin password is looked up ({@code GATEHOUSE_ADMIN_PASSWORD}); in production
 *                       AuthWiring answers it from the declared setting {@code auth.admin_password}
 */
public record AuthConfig(Supplier<String> realm, String service, String issuer, Duration tokenTtl, boolean anonymousPull,
                         Function<String, String> env) {

    public static final String ADMIN_PASSWORD_ENV = "GATEHOUSE_ADMIN_PASSWORD";

    public static AuthConfig defaults(Supplier<String> realm) {
        return new AuthConfig(realm, "gatehouse", "gatehouse-auth", Duration.ofMinutes(5), false, name -> null);
    }

    public AuthConfig withAnonymousPull(boolean on) {
        return new AuthConfig(realm, service, issuer, tokenTtl, on, env);
    }

    public AuthConfig withEnv(Function<String, String> env) {
        return new AuthConfig(realm, service, issuer, tokenTtl, anonymousPull, env);
    }

    public AuthConfig withTokenTtl(Duration ttl) {
        return new AuthConfig(realm, service, issuer, ttl, anonymousPull, env);
    }
}
