package io.gatehouse.registry.auth;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.audit.AuditSpool;
import io.gatehouse.registry.config.RegistryConfig;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The real registry server with auth wired in exactly as Main does ({@link AuthWiring}), but with a clock the
 * test moves, cheap password hashing and a known admin password. Pushes test images with any Authorization.
 */
public final class SecuredRegistry implements AutoCloseable {

    public final AuthFixture.MutableClock clock = new AuthFixture.MutableClock(Instant.now());
    public final RegistryServer server;
    public final AuthWiring wiring;
    public final String base;
    public final java.util.concurrent.atomic.AtomicReference<io.gatehouse.registry.scan.service.ScanService> scans;

    public SecuredRegistry(Path dir, boolean anonymousPull) {
        this(dir, anonymousPull, UnaryOperator.identity(), 1000);
    }

    /**
     * @param settings        changes to the registry's test configuration
     * @param maxFailsPerAddress the login throttle's limit per client address (5 per account, as always)
     */
    public SecuredRegistry(Path dir, boolean anonymousPull, UnaryOperator<RegistryConfig> settings, int maxFailsPerAddress) {
        RegistryConfig config = settings.apply(io.gatehouse.registry.TestDatabase.forTesting(dir));
        RegistryServer.Builder b = RegistryServer.builder(config);
        this.wiring = installAuth(b, config, clock, c -> c.withAnonymousPull(anonymousPull),
                new LoginThrottle(clock, 5, maxFailsPerAddress, Duration.ofMinutes(5)));
        // Trust (keys, policies, promotion, gates) registers its routes on the same router, as Main wires it.
        io.gatehouse.registry.trust.Trust.install(b, s -> wiring.module().api(), s -> wiring.module().auditLog());
        // Scanning (scan on push, scan routes) as Main wires it.
        this.scans = io.gatehouse.registry.scan.api.ScanApi.install(b, s -> wiring.module());
        // as Main: the mirror routes sit in the same router (so the permission matrix covers them)
        io.gatehouse.registry.mirror.Mirrors.install(b, s -> wiring.module().api(), s -> wiring.module().auditLog(), s -> wiring.module().tokens());
        this.server = b.build().start();
        this.base = server.baseUrl();
    }

    /**
     * Installs auth on {@code b} as this class does (as Main does, with {@code clock}, cheap password hashing and the
     * known admin password), for tests that wire the other modules themselves.
     *
     * @param settings adjusts the auth settings read from {@code config} (identity to keep them)
     */
    public static AuthWiring installAuth(RegistryServer.Builder b, RegistryConfig config, Clock clock, UnaryOperator<AuthConfig> settings) {
        return installAuth(b, config, clock, settings, new LoginThrottle(clock, 5, 1000, Duration.ofMinutes(5)));
    }

    private static AuthWiring installAuth(RegistryServer.Builder b, RegistryConfig config, Clock clock, UnaryOperator<AuthConfig> settings,
                                          LoginThrottle throttle) {
        return AuthWiring.install(b, s -> AuthModule.create(s.jdbi(), TokenKeys.loadOrCreate(s.jdbi(), s.dataDir()), AuditSpool.in(s.dataDir()),
                settings.apply(AuthWiring.authConfig(config, s)).withEnv(Map.of(AuthConfig.ADMIN_PASSWORD_ENV, AuthFixture.ADMIN_PASSWORD)::get),
                clock, AuthFixture.FAST_HASHER, throttle,
                name -> s.content().repositoryExists(name)));
    }

    public AuthModule auth() {
        return wiring.module();
    }

    public static String admin() {
        return Http.basic("admin", AuthFixture.ADMIN_PASSWORD);
    }

    /** Pushes a one-layer image as {@code authorization}; returns the manifest digest. */
    public Digest pushImage(String repo, String tag, String authorization) {
        RegistryClient c = new RegistryClient(base);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + System.nanoTime() + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer of " + repo + " " + tag).getBytes(StandardCharsets.UTF_8);
        Digest cd = pushBlob(c, repo, config, authorization);
        Digest ld = pushBlob(c, repo, layer, authorization);
        byte[] m = RegistryClient.imageManifest(cd, config.length, List.of(ld), List.of((long) layer.length), null, null, 0);
        HttpResponse<byte[]> r = c.send("PUT", "/v2/" + repo + "/manifests/" + tag, m, "Content-Type", MediaTypes.OCI_MANIFEST, "Authorization", authorization);
        if (r.statusCode() != 201) throw new IllegalStateException("PUT manifest: " + r.statusCode() + " " + new String(r.body()));
        return Digest.sha256(m);
    }

    public static Digest pushBlob(RegistryClient c, String repo, byte[] data, String authorization) {
        Digest d = Digest.sha256(data);
        HttpResponse<byte[]> r = c.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, data,
                "Content-Type", "application/octet-stream", "Authorization", authorization);
        if (r.statusCode() != 201) throw new IllegalStateException("POST blob: " + r.statusCode() + " " + new String(r.body()));
        return d;
    }

    @Override
    public void close() {
        if (scans.get() != null) scans.get().close();
        server.close();
    }
}
