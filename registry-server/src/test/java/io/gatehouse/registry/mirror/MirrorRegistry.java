package io.gatehouse.registry.mirror;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.trust.Trust;

import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Our registry wired for server-side mirroring as Main wires it (access control, trust, mirrors), started on
 * {@code config}; the tests of the mirror API call it with {@link SecuredRegistry#admin()} or accounts they create.
 */
record MirrorRegistry(RegistryServer server, AuthWiring wiring) {

    static MirrorRegistry start(RegistryConfig config) {
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthWiring w = SecuredRegistry.installAuth(b, config, new AuthFixture.MutableClock(Instant.now()), UnaryOperator.identity());
        Trust.install(b, s -> w.module().api(), s -> w.module().auditLog());
        Mirrors.install(b, s -> w.module().api(), s -> w.module().auditLog(), s -> w.module().tokens());
        return new MirrorRegistry(b.build().start(), w);
    }
}
