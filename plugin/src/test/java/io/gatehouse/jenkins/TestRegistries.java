package io.gatehouse.jenkins;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.accounts.PasswordHasher;
import io.gatehouse.registry.auth.AuthModule;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.auth.LoginThrottle;
import io.gatehouse.registry.auth.TokenKeys;
import io.gatehouse.registry.config.RegistryConfig;
import java.time.Clock;

/** Our registry, for the plugin's tests that talk to it on loopback. */
public final class TestRegistries {
    /** The policy several step tests judge scans with: no critical vulnerability. */
    public static final String NO_CRITICAL_POLICY = "{\"schemaVersion\": 1, \"name\": \"no-critical\", "
            + "\"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": 0}}}}";

    private TestRegistries() {
    }

    /**
     * Installs access control on {@code b} as the registry's Main does ({@link AuthWiring}), but with cheap Argon2
     * parameters: the default cost is for production, not for a 2-core CI. Install the other modules (trust, scans,
     * mirrors) on the returned wiring's module, as Main does.
     */
    public static AuthWiring installAuth(RegistryServer.Builder b, RegistryConfig config) {
        return AuthWiring.install(b, s -> AuthModule.create(s.jdbi(), TokenKeys.loadOrCreate(s.dataDir()), AuthWiring.authConfig(config, s),
                Clock.systemUTC(), new PasswordHasher(256, 1, 1), LoginThrottle.defaults(Clock.systemUTC()), name -> s.content().repositoryExists(name)));
    }
}
