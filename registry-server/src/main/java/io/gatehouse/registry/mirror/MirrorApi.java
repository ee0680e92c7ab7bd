package io.gatehouse.registry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.copy.CopyOptions;
import io.gatehouse.core.copy.Mirror;
import io.gatehouse.core.copy.MirrorReport;
import io.gatehouse.core.copy.MirrorSpec;
import io.gatehouse.core.copy.TargetTags;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryClientBuilder;
import io.gatehouse.registry.api.ApiException;
import io.gatehouse.registry.api.ApiResult;
import io.gatehouse.registry.api.ApiRouter;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditLog;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.cluster.ClusterLocks;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Server-side mirroring ({@code /api/v1/mirrors}): the {@link Mirror} engine of {@code core} run inside the
 * registry, so image data flows from the upstream straight into the registry, not through Jenkins or a CLI host.
 * The target is the registry's own {@code /v2} on loopback, reached with a short-lived token minted for the caller
 * (so every write passes the same access checks, gates and events as a push). Upstream credentials come with the
 * request and are dropped with it.
 */
public final class MirrorApi {
    private static final Logger log = LoggerFactory.getLogger(MirrorApi.class);

    private final MirrorRuns runs;
    private final Function<Principal, RegistryClient> localTarget;
    private final TargetTags localTags;
    private final AuditLog audit;
    private final ClusterLocks locks;
    private final MirrorLeases leases;
    /**
     * One connection pool and dispatcher for every run's upstream client (each run adds its own credentials). The
     * pool keeps as many idle connections as planning uses at once, so a scheduled rerun reuses them all instead of
     * reconnecting most of them (OkHttp keeps 5 by default). Made by the first run: OkHttp (with the Kotlin runtime
     * and the JDK's trust store it loads) is work the registry's start does not need.
     */
    private OkHttpClient upstreamHttp;
    private java.util.concurrent.ExecutorService background;

    private synchronized OkHttpClient upstreamHttp() {
        if (upstreamHttp == null) {
            upstreamHttp = new OkHttpClient.Builder()
                    .connectionPool(new ConnectionPool(2 * Mirror.PLAN_PARALLELISM, 5, TimeUnit.MINUTES)).build();
        }
        return upstreamHttp;
    }

    /**
     * @param localTarget a client for this registry acting as the given principal (see {@link Mirrors})
     * @param localTags   this registry's tags, read from its database: planning an unchanged rerun then costs no
     *                    request to ourselves (the caller holds pull on the target, checked by the route)
     * @param audit       where runs are recorded as {@code mirror.run} events, or null
     * @param locks       where a run takes {@code mirror:<target>}: one run per target repository at a time, across
     *                    every replica (two runs writing the same tags would race each other's plans)
     * @param leases      the heartbeat that keeps this replica's runs RUNNING while they are (see {@link MirrorLeases})
     */
    public MirrorApi(MirrorRuns runs, Function<Principal, RegistryClient> localTarget, TargetTags localTags, AuditLog audit,
                     ClusterLocks locks, MirrorLeases leases) {
        this.locks = locks;
        this.leases = leases;
        this.runs = runs;
        this.localTarget = localTarget;
        this.localTags = localTags;
        this.audit = audit;
    }

    public void register(ApiRouter r) {
        r.add("POST", "/mirrors/{repo*}", p -> Scope.repository(p.get("repo"), Scope.PULL, Scope.PUSH),
                c -> run(c.path("repo"), c.json(), c.principal(), c.remoteAddress(), !"false".equals(c.query("wait"))),
                "Mirror an upstream repository into this one (server-side); ?wait=false answers 202 with the run's id at once");
        r.add("GET", "/mirrors", Scope.systemAdmin(), c -> ApiResult.ok(Map.of("runs", runs.list(Math.max(1, Math.min(c.queryInt("n", 100), 1000)))
                .stream().map(MirrorApi::view).toList())), "Recorded mirror runs, newest first");
        r.add("GET", "/mirrors/{id}", Scope.systemAdmin(), c -> ApiResult.ok(detail(runs.get(id(c.path("id")))
                .orElseThrow(() -> ApiException.notFound("no mirror run " + c.path("id"))))), "One recorded mirror run with its report");
    }

    private static long id(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("no mirror run " + s);
        }
    }

    /**
     * Checks the request, takes the target's lock and records the run; then either runs it and answers its report
     * ({@code wait}), or answers 202 with the run's id at once and runs it on a thread of its own, still holding the
     * lock (the web interface does this, and shows the run's page while it runs). A bad body, a bad filter or a run
     * already under way are refused before anything is recorded, in both modes.
     */
    private ApiResult run(String target, JsonNode body, Principal who, String address, boolean wait) {
        RepositoryName targetRepo;
        try {
            targetRepo = RepositoryName.of(target);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("bad target repository: " + e.getMessage());
        }
        MirrorRequest req = MirrorRequest.parse(body);
        java.util.Optional<ClusterLocks.Held> held = locks.tryLock("mirror:" + target);
        if (held.isEmpty()) {
            throw new ApiException(409, "MIRROR_RUNNING", "a mirror run into " + target + " is already under way; try again when it has finished");
        }
        long id;
        try {
            // under the target's lock no other run into it is under way: a RUNNING row of it is a stopped replica's
            int stale = runs.interruptRunningInto(target, leases.node());
            if (stale > 0) log.info("an earlier mirror run into {} whose replica stopped is marked interrupted", target);
            id = runs.start(who.name(), req.upstreamRepository(), target, req.filter().toString(), req.dryRun(), leases.node(),
                    leases.leaseUntil());
        } catch (RuntimeException e) {
            held.get().close();
            throw e;
        }
        if (wait) {
            try (ClusterLocks.Held h = held.get()) {
                return ApiResult.ok(runLocked(id, target, targetRepo, req, who, address));
            }
        }
        background().execute(() -> {
            try (ClusterLocks.Held h = held.get()) {
                runLocked(id, target, targetRepo, req, who, address);
            } catch (ApiException e) {
                log.info("mirror run {} by {}: {}", id, who.name(), e.getMessage()); // recorded with the run and in the audit
            } catch (RuntimeException e) {
                // e.g. the database went away while recording the result: never leave the run RUNNING for ever
                log.warn("mirror run {} by {} stopped", id, who.name(), e);
                try {
                    runs.fail(id, "the run stopped: " + e.getClass().getSimpleName());
                } catch (RuntimeException ignored) {
                    // the database is the problem; the log says so
                }
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("status", "RUNNING");
        return new ApiResult(202, out, Map.of("Location", ApiRouter.PREFIX + "/mirrors/" + id));
    }

    /** Threads for runs answered before they finish: made by the first one, daemons (a run is not worth holding a JVM). */
    private synchronized java.util.concurrent.ExecutorService background() {
        if (background == null) {
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            background = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "mirror-run-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return background;
    }

    /** Runs a recorded run under the target's lock, renewing its lease meanwhile (cluster: a stopped replica's run is marked interrupted). */
    private Object runLocked(long id, String target, RepositoryName targetRepo, MirrorRequest req, Principal who, String address) {
        leases.hold(id);
        try {
            return runHeld(id, target, targetRepo, req, who, address);
        } finally {
            leases.release(id);
        }
    }

    private Object runHeld(long id, String target, RepositoryName targetRepo, MirrorRequest req, Principal who, String address) {
        RegistryClientBuilder ub = RegistryClient.builder(req.upstream().registryHost()).httpClient(upstreamHttp());
        if (req.username() != null) ub.credentials(Credentials.basic(req.username(), req.password()));
        if (req.plainHttp() != null) ub.plainHttp(req.plainHttp());
        MirrorReport report;
        try {
            RegistryClient upstream = ub.build();
            RegistryClient local = localTarget.apply(who);
            Mirror mirror = new Mirror(upstream, local, CopyOptions.defaults().withPlatforms(req.platforms()), localTags);
            report = mirror.run(new MirrorSpec(req.upstream().repository(), targetRepo, req.filter(), req.dryRun(), 4));
        } catch (RuntimeException e) {
            // messages of the core client never carry a password; say what failed without a stack of internals
            String reason = "mirror of " + req.upstreamRepository() + " failed: " + e.getMessage();
            runs.fail(id, reason);
            record(who, address, target, AuditEvent.Outcome.FAILURE, reason);
            throw new ApiException(502, "MIRROR_FAILED", reason);
        }
        runs.finish(id, report);
        String summary = report.summary().lines().findFirst().orElse("");
        log.info("mirror run {} by {}: {}", id, who.name(), summary);
        record(who, address, target, report.ok() ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE, summary);
        if (report.stoppedReason() != null && report.tags().isEmpty()) {
            // planning failed (unreachable upstream, refused credentials, unknown repository): no report worth a 200
            throw new ApiException(502, "MIRROR_FAILED", "mirror of " + req.upstreamRepository() + " failed (run " + id + "): " + report.stoppedReason());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("report", ApiResult.rawJson(report.toJson()));
        return out;
    }

    private void record(Principal who, String address, String target, AuditEvent.Outcome outcome, String detail) {
        if (audit != null) audit.record(who, "mirror.run", target, address, outcome, detail);
    }

    private static Map<String, Object> view(MirrorRuns.Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("requestedBy", r.requestedBy());
        m.put("upstream", r.upstream());
        m.put("target", r.target());
        m.put("filter", r.filter());
        m.put("dryRun", r.dryRun());
        m.put("status", r.status());
        m.put("copied", r.copied());
        m.put("unchanged", r.unchanged());
        m.put("failed", r.failed());
        m.put("bytesMoved", r.bytesMoved());
        m.put("startedAt", r.startedAt().toString());
        m.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
        m.put("summary", r.summary());
        return m;
    }

    private static Map<String, Object> detail(MirrorRuns.Run r) {
        Map<String, Object> m = view(r);
        m.put("report", ApiResult.rawJson(r.report()));
        return m;
    }
}
