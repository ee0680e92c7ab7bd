package io.gatehouse.registry.mirror;

import io.gatehouse.core.copy.TargetTags;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.api.ApiRouter;
import io.gatehouse.registry.audit.AuditLog;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.auth.TokenService;
import okhttp3.OkHttpClient;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Wiring of server-side mirroring: the mirror routes of the management API and the record of runs. */
public final class Mirrors {
    private Mirrors() {
    }

    /**
     * Adds the mirror routes to {@code api} when the server is built, the way {@code Trust.install} does.
     *
     * @param tokens mints the short-lived bearer tokens with which a run writes into this registry as its caller
     */
    public static void install(RegistryServer.Builder b, Function<RegistryServer, ApiRouter> api, Function<RegistryServer, AuditLog> audit,
                               Function<RegistryServer, TokenService> tokens) {
        b.listener(s -> {
            MirrorRuns runs = new MirrorRuns(s.jdbi(), s.clock());
            MirrorLeases leases = new MirrorLeases(runs, s.cluster().node(), s.config().durationSetting("mirror.lease"), s.clock());
            s.closeWith(leases);
            TargetTags localTags = new TargetTags() {
                @Override
                public Optional<Digest> digest(RepositoryName repository, String tag) {
                    return s.content().resolve(repository.toString(), tag);
                }

                @Override
                public Optional<List<String>> known(RepositoryName repository) {
                    return Optional.of(s.content().listTags(repository.toString()));
                }
            };
            new MirrorApi(runs, localClient(s, tokens.apply(s)), localTags, audit == null ? null : audit.apply(s), s.cluster().locks(), leases)
                    .register(api.apply(s));
            return new io.gatehouse.registry.content.RegistryEvents() {
            };
        });
    }

    /**
     * This registry's {@code /v2} on loopback, acting as {@code who}: every request carries a fresh token granting
     * pull and push on the target repository only (the router already checked that {@code who} holds push there),
     * so gates, events and the audit of pushes apply to mirrored content as to any push. One HTTP client (and
     * connection pool) for all runs.
     */
    static Function<Principal, RegistryClient> localClient(RegistryServer s, TokenService tokens) {
        // made by the first run, not while the server is built: OkHttp and the Kotlin runtime under it are some 600
        // classes (a tenth of a second of CPU) that the registry's start does not need
        java.util.concurrent.atomic.AtomicReference<OkHttpClient> client = new java.util.concurrent.atomic.AtomicReference<>();
        boolean tls = s.config().tlsEnabled();
        return who -> {
            OkHttpClient shared = client.updateAndGet(c -> c != null ? c : new OkHttpClient());
            // resolved per run: the port is known only once the server has started
            String host = s.config().host();
            if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) host = "127.0.0.1";
            if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
            String hostPort = host + ":" + s.port();
            // one token per repository for this run, renewed at half its lifetime
            java.util.Map<String, TokenService.Issued> issued = new java.util.concurrent.ConcurrentHashMap<>();
            OkHttpClient withToken = shared.newBuilder().addInterceptor(chain -> {
                okhttp3.Request r = chain.request();
                if (r.header("Authorization") == null) {
                    String repo = repositoryOf(r.url().encodedPath());
                    String key = repo == null ? "" : repo;
                    TokenService.Issued t = issued.compute(key, (k, old) -> old != null
                            && java.time.Instant.now().isBefore(old.issuedAt().plusSeconds(old.expiresInSeconds() / 2)) ? old
                            : tokens.issue(who, repo == null ? List.of() : List.of(Scope.repository(repo, Scope.PULL, Scope.PUSH))));
                    r = r.newBuilder().header("Authorization", "Bearer " + t.token()).build();
                }
                return chain.proceed(r);
            }).build();
            return RegistryClient.builder(hostPort).httpClient(withToken).plainHttp(!tls).build();
        };
    }

    /** {@code /v2/a/b/manifests/x} → {@code a/b}. */
    static String repositoryOf(String path) {
        if (!path.startsWith("/v2/")) return null;
        String rest = path.substring(4);
        for (String marker : new String[]{"/manifests/", "/blobs/uploads", "/blobs/", "/tags/list", "/referrers/"}) {
            int i = rest.indexOf(marker);
            if (i > 0) return rest.substring(0, i);
        }
        return null;
    }
}
