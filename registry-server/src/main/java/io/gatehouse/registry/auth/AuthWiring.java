package io.gatehouse.registry.auth;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.accounts.PasswordHasher;
import io.gatehouse.registry.audit.AuditEvents;
import io.gatehouse.registry.audit.AuditSpool;
import io.gatehouse.registry.audit.DenialAudit;
import io.gatehouse.registry.config.RegistryConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * Puts identity and access control into a {@link RegistryServer}: the access controller, the token endpoint at
 * {@code /auth}, the management API at {@code /api/v1}, and the audit journal for pushes and deletes. The
 * {@link AuthModule} is built once, on the server's database, when the server is built.
 *
 * <p>Settings: the {@code auth.*} entries of {@link RegistryConfig#SETTINGS}.
 */
public final class AuthWiring {

    private volatile AuthModule module;
    private final Function<RegistryServer, AuthModule> factory;

    private AuthWiring(Function<RegistryServer, AuthModule> factory) {
        this.factory = factory;
    }

    /** Wires auth into {@code b} with settings from {@code config}; returns a handle to the module once built. */
    public static AuthWiring install(RegistryServer.Builder b, RegistryConfig config) {
        return install(b, s -> {
            if (!s.cluster().shared()) {
                return AuthModule.create(s.jdbi(), s.dataDir(), authConfig(config, s), name -> s.content().repositoryExists(name));
            }
            // replicas: login counts in the database, changes to grants told to every replica
            Clock clock = Clock.systemUTC();
            return AuthModule.create(s.jdbi(), TokenKeys.loadOrCreate(s.jdbi(), s.dataDir()), AuditSpool.in(s.dataDir()), authConfig(config, s),
                    clock, PasswordHasher.defaults(), LoginThrottle.defaults(new DatabaseCounts(s.jdbi(), true), clock),
                    name -> s.content().repositoryExists(name), s.cluster().events());
        });
    }

    /** Wires a module built by {@code factory} (tests pass a clock, cheap hashing, a custom throttle). */
    public static AuthWiring install(RegistryServer.Builder b, Function<RegistryServer, AuthModule> factory) {
        AuthWiring w = new AuthWiring(factory);
        b.accessController(s -> {
            DenialAudit denials = w.module(s).denials();
            FunctionCounter.builder("gatehouse.access.denied", denials, DenialAudit::denied)
                    .description("refusals of authenticated callers on /v2 and /api/v1").register(s.metrics().registry());
            FunctionCounter.builder("gatehouse.access.denied.unaudited", denials, DenialAudit::unaudited)
                    .description("refusals not written to the audit log (per-second cap reached or audit store failing)")
                    .register(s.metrics().registry());
            w.module(s).auditSpool().ifPresent(spool -> {
                Gauge.builder("gatehouse.audit.spooled", spool, AuditSpool::pending)
                        .description("audit events refused by the database, kept in the spool file until replayed").register(s.metrics().registry());
                FunctionCounter.builder("gatehouse.audit.spooled.events", spool, AuditSpool::spooled)
                        .description("audit events written to the spool file since start").register(s.metrics().registry());
            });
            return w.module(s).accessController();
        });
        b.mount("/auth", s -> w.module(s).tokenEndpoint());
        b.mount("/api/v1", s -> w.module(s).api());
        // a journal, not a listener: a push or delete commits together with its audit record or not at all
        b.journal(s -> new AuditEvents(w.module(s).auditLog()));
        return w;
    }

    /** Whether the configuration asks for access control (the default). */
    public static boolean enabled(RegistryConfig config) {
        // not Boolean.parseBoolean: it reads "yes", "on" and "1" as false, and this one opens the registry
        return config.booleanSetting("auth.enabled");
    }

    public static AuthConfig authConfig(RegistryConfig config, RegistryServer server) {
        String service = config.setting("auth.service");
        boolean anonymous = config.booleanSetting("auth.anonymous_pull");
        long ttl = config.intSetting("auth.token_ttl", 60, Integer.MAX_VALUE);
        String adminPassword = config.setting("auth.admin_password");
        // the bootstrap password through the declared setting (file or GATEHOUSE_ADMIN_PASSWORD), not System.getenv
        Function<String, String> env = name -> AuthConfig.ADMIN_PASSWORD_ENV.equals(name) && !adminPassword.isEmpty() ? adminPassword : null;
        return new AuthConfig(() -> server.baseUrl() + "/auth/token", service, service + "-auth", Duration.ofSeconds(ttl), anonymous, env);
    }

    private synchronized AuthModule module(RegistryServer s) {
        if (module == null) module = factory.apply(s);
        return module;
    }

    /** The module, once the server was built. */
    public AuthModule module() {
        if (module == null) throw new IllegalStateException("the registry server has not been built yet");
        return module;
    }
}
