package io.gatehouse.registry.gc;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.cluster.ClusterLocks;
import io.gatehouse.registry.cluster.LocalClusterLocks;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.metadata.MetadataStore;
import io.gatehouse.registry.storage.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mark-and-sweep that runs while the registry serves pushes (Distribution needs read-only mode for this).
 * <ul>
 *   <li>Marks are the database's manifest references: a blob is live while any manifest references it.</li>
 *   <li>Referrers whose subject is gone are deleted (unless gc.keep_orphan_referrers), after the grace period.</li>
 *   <li>A blob is also protected for the grace period after it was written, mounted or seen by a HEAD, because a
 *       client pushing an image uploads (or checks) blobs first and references them in a manifest later.</li>
 *   <li>Each deletion re-checks "unreferenced and unprotected" inside its own BEGIN IMMEDIATE transaction, and a
 *       manifest push checks its blobs in the same kind of transaction, so the two serialise: either the manifest
 *       wins and the blob is referenced, or GC wins and the push gets MANIFEST_BLOB_UNKNOWN. Never a manifest
 *       pointing at a deleted blob.</li>
 *   <li>File removal holds the digest's lock, which blob commits also hold, so a blob re-uploaded at that moment is
 *       never lost.</li>
 *   <li>With replicas, one collection runs at a time across all of them (the cluster lock {@code gc}, a PostgreSQL
 *       advisory lock released by the database if its replica dies); the digest locks are cluster-wide too, and the
 *       grace period is the blobs' {@code touched_at} in the shared database, so a blob uploaded, mounted or checked on
 *       another replica is protected as if it had happened here. Another replica's upload session lives in the
 *       database too ({@code uploads.updated_at}), which is what expiry reads.</li>
 * </ul>
 */
public final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    /** Who GC's deletions are attributed to in events (and so in the audit log). */
    public static final Principal GC_PRINCIPAL = new Principal("system:gc", Principal.Kind.SERVICE_ACCOUNT, false);

    public record Report(int manifestsDeleted, int blobsDeleted, long bytesFreed, int orphanFilesDeleted, int uploadsRemoved) {
        /** What a replica reports when another one holds the cluster's GC lock. */
        public static final Report SKIPPED = new Report(0, 0, 0, 0, 0);
    }

    /** The cluster lock one collection holds across every replica. */
    public static final String LOCK = "gc";

    private final ContentService content;
    private final MetadataStore meta;
    private final BlobStore store;
    private final Clock clock;
    private final Duration grace;
    private final boolean deleteUntagged;
    private final ReentrantLock running = new ReentrantLock();
    private final ClusterLocks cluster;

    public GarbageCollector(ContentService content, Clock clock, Duration grace, boolean deleteUntagged) {
        this(content, clock, grace, deleteUntagged, new LocalClusterLocks());
    }

    /** @param cluster where the {@value #LOCK} lock is taken, so that one replica at a time collects */
    public GarbageCollector(ContentService content, Clock clock, Duration grace, boolean deleteUntagged, ClusterLocks cluster) {
        this.cluster = cluster;
        this.content = content;
        this.meta = content.metadata();
        this.store = content.blobStore();
        this.clock = clock;
        this.grace = grace;
        this.deleteUntagged = deleteUntagged;
    }

    /** One full collection; concurrent calls wait for the running one (on this replica or another) to finish first. */
    public Report run() {
        running.lock();
        try (ClusterLocks.Held held = cluster.lock(LOCK)) {
            return collect();
        } finally {
            running.unlock();
        }
    }

    /**
     * A scheduled collection: runs unless another replica is collecting right now (then it is that one's turn, and
     * this one returns {@link Report#SKIPPED}).
     */
    public Report runIfIdle() {
        running.lock();
        try {
            Optional<ClusterLocks.Held> held = cluster.tryLock(LOCK);
            if (held.isEmpty()) {
                LOG.debug("GC skipped: another replica is collecting");
                return Report.SKIPPED;
            }
            try (ClusterLocks.Held h = held.get()) {
                return collect();
            }
        } finally {
            running.unlock();
        }
    }

    private Report collect() {
        long before = clock.millis() - grace.toMillis();
        int manifests = 0;
        if (!content.keepsOrphanReferrers()) {
            // referrers whose subject is gone: left by deletes from before they went together, or pushed ahead
            // of a subject that never came (hence the grace period: OCI lets a referrer arrive first)
            for (String[] m : meta.orphanReferrers(before)) {
                manifests += content.deleteOrphanReferrer(m[0], Digest.parse(m[1]), GC_PRINCIPAL);
            }
        }
        if (deleteUntagged) {
            // Deleting an untagged index can leave its children untagged and unreferenced: repeat a few rounds.
            for (int round = 0; round < 8; round++) {
                int n = 0;
                for (String[] m : meta.untaggedManifests(before)) {
                    if (content.deleteUntaggedManifest(m[0], Digest.parse(m[1]), GC_PRINCIPAL)) n++;
                }
                manifests += n;
                if (n == 0) break;
            }
        }
        int blobs = 0;
        long bytes = 0;
        for (String d : meta.unreferencedBlobs(before)) {
            Digest digest = Digest.parse(d);
            Lock lock = content.digestLocks().lockFor(digest);
            lock.lock();
            try {
                OptionalLong size = meta.blobSize(d);
                if (meta.deleteBlobIfUnreferenced(d, before)) {
                    store.delete(digest);
                    blobs++;
                    bytes += size.orElse(0);
                }
            } catch (IOException e) {
                LOG.warn("GC could not delete blob file {}: {}", d, e.toString());
            } finally {
                lock.unlock();
            }
        }
        int orphans = 0;
        try {
            List<Digest> files = store.list();
            for (Digest digest : files) {
                try {
                    // the common case (a recorded blob) without a lock: with replicas each lock is a database round trip
                    if (meta.blobRecorded(digest.toString()) || store.lastModified(digest) >= before) continue;
                } catch (IOException e) {
                    continue; // vanished meanwhile
                }
                Lock lock = content.digestLocks().lockFor(digest);
                lock.lock();
                try {
                    // A file without a row: a crash between the atomic move and the database insert.
                    if (!meta.blobRecorded(digest.toString()) && store.lastModified(digest) < before) {
                        store.delete(digest);
                        orphans++;
                    }
                } catch (IOException e) {
                    // vanished meanwhile
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            LOG.warn("GC could not list blob files: {}", e.toString());
        }
        int uploads = content.expireUploads();
        Report r = new Report(manifests, blobs, bytes, orphans, uploads);
        if (manifests + blobs + orphans + uploads > 0) {
            LOG.info("GC: deleted {} manifests (untagged, orphan referrers), {} blobs ({} bytes), {} orphan files, {} stale uploads",
                    manifests, blobs, bytes, orphans, uploads);
        }
        return r;
    }
}
