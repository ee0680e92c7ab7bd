package io.gatehouse.core.copy;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.ImageIndex;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.model.Platform;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.ImageReference;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.BlobVerificationException;
import io.gatehouse.core.remote.RateLimitedException;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryException;
import io.gatehouse.core.remote.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies images between registries (or repositories of one registry), like {@code crane copy} / {@code skopeo copy}.
 * <p>
 * Order is what keeps the target whole: every manifest is fetched and checked first (so an index pointing at missing
 * manifests fails before anything is written), then blobs (skipped when the target has them, mounted when source and
 * target are the same registry, otherwise streamed source → target with the digest verified on the way, in parallel),
 * then child manifests, and the tagged top manifest last. Whatever fails, no manifest ever reaches the target before
 * everything it references, so the target never holds a partial image.
 * <p>
 * Platform filtering: copying only some platforms of an index cannot keep the index's digest. We then push a new
 * index holding only the chosen entries, annotated with {@value #SOURCE_DIGEST_ANNOTATION} = the upstream digest, which
 * is how {@link Mirror} recognises it as unchanged on the next run. Copying all platforms keeps the bytes and digest.
 * <p>
 * One engine may serve many copies (a mirror run): it remembers which blobs the target is known to hold.
 */
public final class CopyEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CopyEngine.class);
    /** Annotation on a platform-filtered index: the digest of the upstream index it was cut from. */
    public static final String SOURCE_DIGEST_ANNOTATION = "io.gatehouse.copy.source-digest";
    public static final String PLATFORMS_ANNOTATION = "io.gatehouse.copy.platforms";
    private static final int MAX_INDEX_DEPTH = 4;
    private static final int MAX_REFERRER_DEPTH = 3;

    private final RegistryClient source;
    private final RegistryClient target;
    private final CopyOptions options;
    private final ExecutorService pool;
    private final Set<String> knownOnTarget = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<CopyListener.BlobOutcome>> inFlight = new ConcurrentHashMap<>();
    private final RetryPolicy blobRetry;

    public CopyEngine(RegistryClient source, RegistryClient target, CopyOptions options) {
        this.source = source;
        this.target = target;
        this.options = options;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
            Thread t = new Thread(r, "gatehouse-copy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.blobRetry = new RetryPolicy(options.blobAttempts(), java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5),
                java.time.Duration.ZERO, 0);
    }

    public CopyOptions options() {
        return options;
    }

    private boolean sameRegistry() {
        return source.registry().equals(target.registry());
    }

    /** Per-copy counters. */
    private static final class Stats {
        final AtomicInteger copied = new AtomicInteger();
        final AtomicInteger existing = new AtomicInteger();
        final AtomicInteger mounted = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        int manifests;
        int referrers;
    }

    /** A manifest to push and the blobs it needs. */
    private record Node(Manifest manifest, String label) {
    }

    /**
     * Copies {@code src} (by tag or digest) to {@code dst} (its tag, or by digest when it has none).
     *
     * @throws CopyException with the reason; the target then holds no new tag and no manifest with missing blobs
     */
    public CopyResult copy(ImageReference src, ImageReference dst) {
        Stats stats = new Stats();
        RepositoryName srcRepo = src.repository();
        RepositoryName dstRepo = dst.repository();
        Manifest top;
        try {
            top = source.getManifest(srcRepo, src.identifier());
        } catch (RateLimitedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CopyException("cannot read " + src + ": " + e.getMessage(), e);
        }
        // 1. gather and check every manifest before writing anything
        List<Node> children = new ArrayList<>();
        Manifest toPush = top;
        if (top.isIndex()) {
            List<Descriptor> all = top.index().manifests();
            List<Descriptor> chosen = select(all, src);
            for (Descriptor d : chosen) collect(srcRepo, d, src, children, 1);
            if (chosen.size() < all.size()) {
                Map<String, String> ann = new LinkedHashMap<>(top.index().annotations());
                ann.put(SOURCE_DIGEST_ANNOTATION, top.digest().toString());
                ann.put(PLATFORMS_ANNOTATION, String.join(",", options.platforms().stream().map(Platform::toString).toList()));
                toPush = Manifest.of(top.index().withManifests(chosen).withAnnotations(ann));
            }
        }
        if (dst.digest() != null && dst.tag() == null && !dst.digest().equals(toPush.digest())) {
            throw new CopyException("cannot copy to " + dst + ": the copied manifest's digest is " + toPush.digest()
                    + " (platform filtering changes an index's digest); give the target a tag instead");
        }
        // 2. blobs of every image, each once
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        List<Manifest> images = new ArrayList<>();
        if (!top.isIndex()) images.add(top);
        for (Node n : children) if (!n.manifest.isIndex()) images.add(n.manifest);
        for (Manifest m : images) for (Descriptor b : m.image().blobs()) blobs.putIfAbsent(b.digest(), b);
        copyBlobs(srcRepo, dstRepo, blobs.values(), stats, src);
        // 3. children (by digest), then the top manifest under its tag
        for (Node n : children) {
            pushManifest(dstRepo, n.manifest.digest().toString(), n.manifest, dst);
            stats.manifests++;
        }
        String ref = dst.tag() != null ? dst.tag() : toPush.digest().toString();
        pushManifest(dstRepo, ref, toPush, dst);
        stats.manifests++;
        // 4. referrers of what we copied (signatures, SBOMs); a filtered index is new, so nothing refers to it yet
        if (options.copyReferrers()) {
            List<Digest> subjects = new ArrayList<>();
            if (toPush == top) subjects.add(top.digest());
            for (Node n : children) subjects.add(n.manifest.digest());
            for (Digest s : subjects) copyReferrers(srcRepo, dstRepo, s, stats, src, dst, 1);
        }
        return new CopyResult(src, dst, top.digest(), toPush.digest(), stats.manifests, stats.copied.get(), stats.existing.get(),
                stats.mounted.get(), stats.bytes.get(), stats.referrers);
    }

    private List<Descriptor> select(List<Descriptor> entries, ImageReference src) {
        if (options.platforms().isEmpty()) return entries;
        List<Descriptor> chosen = new ArrayList<>();
        for (Descriptor d : entries) {
            if (d.platform() == null) continue;
            for (Platform want : options.platforms()) {
                if (d.platform().satisfies(want)) {
                    chosen.add(d);
                    break;
                }
            }
        }
        if (chosen.isEmpty()) {
            List<String> have = entries.stream().filter(d -> d.platform() != null).map(d -> d.platform().toString()).toList();
            throw new CopyException(src + " has no manifest for " + options.platforms() + "; it has " + have);
        }
        return chosen;
    }

    private void collect(RepositoryName srcRepo, Descriptor d, ImageReference src, List<Node> out, int depth) {
        if (depth > MAX_INDEX_DEPTH) throw new CopyException(src + ": indexes nested deeper than " + MAX_INDEX_DEPTH);
        Manifest m;
        try {
            m = source.getManifest(srcRepo, d.digest().toString());
        } catch (RateLimitedException e) {
            throw e;
        } catch (RegistryException e) {
            String what = d.platform() != null ? " (" + d.platform() + ")" : "";
            if (e.isNotFound()) {
                throw new CopyException("the index of " + src + " lists manifest " + d.digest() + what + ", which the source registry does not have; nothing was copied", e);
            }
            throw new CopyException("cannot read manifest " + d.digest() + what + " of " + src + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CopyException("manifest " + d.digest() + " of " + src + " is unusable: " + e.getMessage(), e);
        }
        if (m.isIndex()) {
            for (Descriptor c : m.index().manifests()) collect(srcRepo, c, src, out, depth + 1);
        }
        out.add(new Node(m, d.digest().toString()));
    }

    private void pushManifest(RepositoryName repo, String reference, Manifest m, ImageReference dst) {
        try {
            target.putManifest(repo, reference, m);
        } catch (RuntimeException e) {
            throw new CopyException("pushing manifest " + m.digest() + " to " + dst.name() + " failed: " + e.getMessage(), e);
        }
        options.listener().manifestPushed(reference, m.digest());
    }

    private void copyBlobs(RepositoryName srcRepo, RepositoryName dstRepo, java.util.Collection<Descriptor> blobs, Stats stats, ImageReference src) {
        List<CompletableFuture<CopyListener.BlobOutcome>> futures = new ArrayList<>();
        for (Descriptor b : blobs) {
            String key = dstRepo + "@" + b.digest();
            if (knownOnTarget.contains(key)) {
                stats.existing.incrementAndGet();
                options.listener().blobFinished(b, CopyListener.BlobOutcome.EXISTS);
                continue;
            }
            CompletableFuture<CopyListener.BlobOutcome> f = inFlight.computeIfAbsent(key, k -> CompletableFuture.supplyAsync(() -> {
                CopyListener.BlobOutcome o = copyBlob(srcRepo, dstRepo, b, stats);
                knownOnTarget.add(k);
                return o;
            }, pool));
            // removed once done (also when it failed, so a later copy tries again)
            f.whenComplete((o, e) -> inFlight.remove(key, f));
            futures.add(f);
        }
        Throwable first = null;
        for (CompletableFuture<CopyListener.BlobOutcome> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) first = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CopyException("interrupted", e);
            }
        }
        if (first instanceof RateLimitedException rl) throw rl;
        if (first instanceof CopyException ce) throw ce;
        if (first != null) throw new CopyException("copying blobs of " + src + " failed: " + first.getMessage(), first);
    }

    private CopyListener.BlobOutcome copyBlob(RepositoryName srcRepo, RepositoryName dstRepo, Descriptor b, Stats stats) {
        CopyListener l = options.listener();
        if (target.headBlob(dstRepo, b.digest()).isPresent()) {
            stats.existing.incrementAndGet();
            l.blobFinished(b, CopyListener.BlobOutcome.EXISTS);
            return CopyListener.BlobOutcome.EXISTS;
        }
        if (sameRegistry() && !srcRepo.equals(dstRepo) && target.mountBlob(dstRepo, b.digest(), srcRepo)) {
            stats.mounted.incrementAndGet();
            l.blobFinished(b, CopyListener.BlobOutcome.MOUNTED);
            return CopyListener.BlobOutcome.MOUNTED;
        }
        l.blobStarted(b);
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = source.openBlob(srcRepo, b.digest(), b.size())) {
                if (b.size() >= options.chunkThreshold()) {
                    target.uploadBlobChunked(dstRepo, b.digest(), b.size(), in, options.chunkSize(), n -> l.blobProgress(b, n));
                } else {
                    target.uploadBlob(dstRepo, b.digest(), b.size(), in, n -> l.blobProgress(b, n));
                }
                stats.copied.incrementAndGet();
                stats.bytes.addAndGet(b.size());
                l.blobFinished(b, CopyListener.BlobOutcome.COPIED);
                return CopyListener.BlobOutcome.COPIED;
            } catch (RateLimitedException e) {
                throw e;
            } catch (RegistryException | IOException e) {
                if (isCorrupt(e)) {
                    throw new CopyException("blob " + b.digest() + " from " + source.registry() + "/" + srcRepo + " is corrupt: "
                            + rootMessage(e) + "; it was not stored on the target", e);
                }
                boolean permanent = e instanceof RegistryException re && re.status() >= 400 && re.status() < 500 && re.status() != 408;
                if (permanent || attempt >= options.blobAttempts()) {
                    throw new CopyException("copying blob " + b.digest() + " (" + b.size() + " bytes) failed"
                            + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + rootMessage(e), e);
                }
                log.debug("blob {} attempt {} failed: {}", b.digest(), attempt, e.getMessage());
                try {
                    Thread.sleep(blobRetry.backoff(attempt).toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CopyException("interrupted", ie);
                }
            }
        }
    }

    private static boolean isCorrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof BlobVerificationException) return true;
        return false;
    }

    private static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof BlobVerificationException) return t.getMessage();
        return e.getMessage();
    }

    private void copyReferrers(RepositoryName srcRepo, RepositoryName dstRepo, Digest subject, Stats stats, ImageReference src,
                               ImageReference dst, int depth) {
        if (depth > MAX_REFERRER_DEPTH) return;
        List<Descriptor> refs;
        try {
            refs = source.referrers(srcRepo, subject, null).manifests();
        } catch (RegistryException e) {
            throw new CopyException("listing referrers of " + subject + " in " + src.name() + " failed: " + e.getMessage(), e);
        }
        for (Descriptor r : refs) {
            List<Node> nodes = new ArrayList<>();
            collect(srcRepo, r, src, nodes, 1);
            Map<Digest, Descriptor> blobs = new HashMap<>();
            for (Node n : nodes) if (!n.manifest.isIndex()) for (Descriptor b : n.manifest.image().blobs()) blobs.putIfAbsent(b.digest(), b);
            copyBlobs(srcRepo, dstRepo, blobs.values(), stats, src);
            for (Node n : nodes) {
                pushManifest(dstRepo, n.manifest.digest().toString(), n.manifest, dst);
                stats.manifests++;
            }
            stats.referrers++;
            copyReferrers(srcRepo, dstRepo, r.digest(), stats, src, dst, depth + 1);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
