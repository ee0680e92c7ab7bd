package io.gatehouse.core.copy;

import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.ImageReference;
import io.gatehouse.core.remote.RateLimitedException;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Docker Trusted Registry's "poll the upstream, pull new tags" mirror, careful with Docker Hub's pull quota:
 * <ol>
 *   <li>list the upstream tags (free) and apply the {@link TagFilter};</li>
 *   <li>for each tag, look up the target tag ({@link TargetTags}: a HEAD, or the registry's own database when it
 *       mirrors into itself) and HEAD the upstream manifest, conditionally on that digest (Docker Hub does not
 *       count HEADs; an unchanged tag is a {@code 304}): equal
 *       digests mean unchanged, which costs nothing more — no manifest GET, no blob byte;</li>
 *   <li>copy the new and changed tags, pinned to the digest seen in step 2, with a {@link CopyEngine}.</li>
 * </ol>
 * The target's tags are the previous run's state, so nothing needs to be stored between runs. When the quota runs out
 * (429 with a long Retry-After), the run stops and reports when it returns; the next run picks up where it stopped.
 */
public final class Mirror {
    private static final Logger log = LoggerFactory.getLogger(Mirror.class);

    /** HEAD requests a plan makes at once (at least; a larger blob parallelism raises it). */
    public static final int PLAN_PARALLELISM = 16;

    private final RegistryClient upstream;
    private final RegistryClient target;
    private final CopyOptions options;
    private final TargetTags targetTags;

    public Mirror(RegistryClient upstream, RegistryClient target, CopyOptions options) {
        this(upstream, target, options, TargetTags.over(target));
    }

    /** @param targetTags how to read the target's current tags (a registry mirroring into itself looks them up locally) */
    public Mirror(RegistryClient upstream, RegistryClient target, CopyOptions options, TargetTags targetTags) {
        this.upstream = upstream;
        this.target = target;
        this.options = options;
        this.targetTags = targetTags;
    }

    private String name(RegistryClient c, Object repo) {
        return c.registry() + "/" + repo;
    }

    /**
     * Threads for planning, kept between runs: a registry mirrors on a schedule, and starting 16 threads for a plan
     * that is 20 HEAD requests was a visible share of an unchanged rerun. Idle threads end after a minute.
     */
    private static final ExecutorService PLANNERS = Executors.newCachedThreadPool(daemon("gatehouse-mirror-plan"));

    /** Decides what to copy, from tag lists and HEAD requests only. */
    public MirrorPlan plan(MirrorSpec spec) {
        Future<List<String>> listing = PLANNERS.submit(() -> upstream.listTags(spec.source()));
        // planning is HEAD requests only (Docker Hub does not count them): more of them at once than blob transfers,
        // since an unchanged rerun is nothing but this
        TagChecks<MirrorPlan.Entry> checks = new TagChecks<>(tag -> planTag(spec, tag), PLANNERS,
                Math.max(options.parallelism(), PLAN_PARALLELISM));
        try {
            // While the upstream lists its tags, check the ones the target already has that the filter takes: on an
            // unchanged rerun these are all of them, and the listing's round trip no longer comes first. A tag since
            // deleted upstream (or no longer among the newest N) costs one HEAD whose answer is not used.
            targetTags.known(spec.target()).ifPresent(have -> spec.filter().apply(have).forEach(checks::add));
            List<String> all = await(listing);
            TagFilter.Selection selection = spec.filter().select(all);
            List<String> selected = selection.tags();
            selected.forEach(checks::add);
            List<MirrorPlan.Entry> entries = new ArrayList<>(selected.size());
            for (String tag : selected) entries.add(checks.await(tag));
            return new MirrorPlan(name(upstream, spec.source()), name(target, spec.target()), spec.filter().toString(), all.size(),
                    List.copyOf(entries), selection.unjudged());
        } finally {
            // on a failure the other checks stop; on success only unused speculative ones can still be waiting
            checks.cancel();
            listing.cancel(true);
        }
    }

    private MirrorPlan.Entry planTag(MirrorSpec spec, String tag) {
        // the target first: its digest makes the upstream HEAD conditional (304 when unchanged, see manifestDigest)
        Optional<Digest> have = targetTags.digest(spec.target(), tag);
        Optional<Digest> up = upstream.manifestDigest(spec.source(), tag, have.orElse(null));
        if (up.isEmpty()) {
            // deleted upstream between the tag list and now: nothing to copy
            return new MirrorPlan.Entry(tag, MirrorPlan.Action.UNCHANGED, null, null);
        }
        Digest src = up.get();
        if (have.isEmpty()) return new MirrorPlan.Entry(tag, MirrorPlan.Action.NEW, src, null);
        Digest dst = have.get();
        if (dst.equals(src)) return new MirrorPlan.Entry(tag, MirrorPlan.Action.UNCHANGED, src, dst);
        if (!options.platforms().isEmpty()) {
            // a platform-filtered copy has its own digest and remembers its upstream digest in an annotation;
            // reading it costs a GET on the target, never on the upstream
            Manifest m = target.getManifest(spec.target(), dst.toString());
            if (m.isIndex() && src.toString().equals(m.index().annotations().get(CopyEngine.SOURCE_DIGEST_ANNOTATION))) {
                return new MirrorPlan.Entry(tag, MirrorPlan.Action.UNCHANGED, src, dst);
            }
        }
        return new MirrorPlan.Entry(tag, MirrorPlan.Action.CHANGED, src, dst);
    }

    /** Plans and (unless a dry run) copies; never throws for a single tag's failure: it is in the report. */
    public MirrorReport run(MirrorSpec spec) {
        long start = System.nanoTime();
        String src = name(upstream, spec.source());
        String dst = name(target, spec.target());
        MirrorPlan plan;
        try {
            plan = plan(spec);
        } catch (RateLimitedException e) {
            return new MirrorReport(src, dst, spec.filter().toString(), spec.dryRun(), List.of(), 0, millis(start), e.getMessage(), quota());
        } catch (RuntimeException e) {
            return new MirrorReport(src, dst, spec.filter().toString(), spec.dryRun(), List.of(), 0, millis(start),
                    "planning failed: " + e.getMessage(), quota());
        }
        List<MirrorReport.TagResult> results = new ArrayList<>();
        for (String tag : plan.unjudged()) {
            // failed, not silently skipped: the user's filter may well want this tag, and only a report says so
            results.add(new MirrorReport.TagResult(tag, MirrorReport.Status.FAILED, null, null, null, 0, spec.filter().unjudgedReason()));
        }
        List<MirrorPlan.Entry> work = new ArrayList<>();
        for (MirrorPlan.Entry e : plan.entries()) {
            if (e.action() == MirrorPlan.Action.UNCHANGED) {
                results.add(new MirrorReport.TagResult(e.tag(), MirrorReport.Status.UNCHANGED, e.action(), e.sourceDigest(), e.targetDigest(), 0, null));
            } else if (spec.dryRun()) {
                results.add(new MirrorReport.TagResult(e.tag(), MirrorReport.Status.WOULD_COPY, e.action(), e.sourceDigest(), e.targetDigest(), 0, null));
            } else {
                work.add(e);
            }
        }
        AtomicReference<String> stopped = new AtomicReference<>();
        long bytes = 0;
        if (!work.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(spec.tagParallelism(), work.size()), daemon("gatehouse-mirror"));
            try (CopyEngine engine = new CopyEngine(upstream, target, options)) {
                List<Future<MirrorReport.TagResult>> futures = new ArrayList<>();
                for (MirrorPlan.Entry e : work) futures.add(pool.submit(() -> copyTag(engine, spec, e, stopped)));
                for (Future<MirrorReport.TagResult> f : futures) {
                    MirrorReport.TagResult r = await(f);
                    results.add(r);
                    bytes += r.bytes();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        results.sort(java.util.Comparator.comparing(MirrorReport.TagResult::tag));
        return new MirrorReport(src, dst, spec.filter().toString(), spec.dryRun(), List.copyOf(results), bytes, millis(start), stopped.get(), quota());
    }

    private MirrorReport.TagResult copyTag(CopyEngine engine, MirrorSpec spec, MirrorPlan.Entry e, AtomicReference<String> stopped) {
        if (stopped.get() != null) {
            return new MirrorReport.TagResult(e.tag(), MirrorReport.Status.FAILED, e.action(), e.sourceDigest(), e.targetDigest(), 0,
                    "not attempted: the run stopped (rate limit)");
        }
        ImageReference from = new ImageReference(upstream.registry(), spec.source(), null, e.sourceDigest());
        ImageReference to = new ImageReference(target.registry(), spec.target(), e.tag(), null);
        try {
            CopyResult r = engine.copy(from, to);
            log.info("mirrored {}:{} ({}) -> {}", spec.source(), e.tag(), e.sourceDigest(), to);
            return new MirrorReport.TagResult(e.tag(), MirrorReport.Status.COPIED, e.action(), r.sourceDigest(), r.targetDigest(), r.bytesCopied(), null);
        } catch (RateLimitedException rl) {
            stopped.compareAndSet(null, rl.getMessage());
            return new MirrorReport.TagResult(e.tag(), MirrorReport.Status.FAILED, e.action(), e.sourceDigest(), e.targetDigest(), 0, rl.getMessage());
        } catch (CopyException | RegistryException | IllegalArgumentException ex) {
            log.warn("mirroring {}:{} failed: {}", spec.source(), e.tag(), ex.getMessage());
            return new MirrorReport.TagResult(e.tag(), MirrorReport.Status.FAILED, e.action(), e.sourceDigest(), e.targetDigest(), 0, ex.getMessage());
        }
    }

    private String quota() {
        return upstream.rateLimit().map(Object::toString).orElse(null);
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** A future's value; its runtime exception rethrown as itself (the checks and copies of a run throw only those). */
    static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
