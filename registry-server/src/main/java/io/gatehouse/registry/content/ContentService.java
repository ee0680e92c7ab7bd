package io.gatehouse.registry.content;

import com.fasterxml.jackson.core.type.TypeReference;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.InvalidDigestException;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.cluster.ClusterEvents;
import io.gatehouse.registry.cluster.LocalClusterEvents;
import io.gatehouse.registry.cluster.LocalReadLeases;
import io.gatehouse.registry.cluster.ReadLeases;
import io.gatehouse.registry.metadata.MetadataStore;
import io.gatehouse.registry.storage.BlobStore;
import io.gatehouse.registry.storage.DigestLocks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The registry's content, as Java calls: what the HTTP handlers are a thin layer over, and what scanning,
 * promotion and mirroring call directly. Validates names, digests and manifests, applies the {@link ContentGate}
 * to manifest pushes, tells the journal (the audit log) inside the transaction of each change, so that a change and
 * its record commit together or not at all, and tells {@link RegistryEvents} after it. Access control is NOT checked here (the
 * HTTP layer does it); Java callers act with the authority of the capability calling.
 */
public final class ContentService {
    private static final Logger LOG = LoggerFactory.getLogger(ContentService.class);

    /** The result of a manifest push. */
    public record PushedManifest(Digest digest, String mediaType, Digest subject, List<String> tags) {
    }

    private final MetadataStore meta;
    private final BlobStore store;
    private final DigestLocks locks;
    private final ContentGate gate;
    private final RegistryEvents journal;
    private final RegistryEvents events;
    private final Clock clock;
    private final int maxManifestBytes;
    private final Duration grace;
    private final boolean keepOrphanReferrers;
    private final Uploads uploads;
    private final Cache<String, StoredManifest> manifestCache;
    private final Cache<String, CachedTag> tagCache;
    private final Cache<String, Boolean> recentlyTouched;
    private final ClusterEvents cluster;
    private final ReadLeases tagLeases;

    /** A tag's digest as loaded under a read lease's generation: from another generation it is not to be trusted. */
    private record CachedTag(String digest, long generation) {
    }

    /** The cluster topic of a deleted manifest ({@code repository@digest}): every replica drops it from its cache. */
    static final String MANIFEST_DELETED = "manifest-deleted";

    /**
     * @param journal told of each change inside its transaction; when it throws (a {@link RegistryException} for
     *                the client, e.g. 503 when the audit log cannot be written) the change is rolled back
     * @param events  told after each change committed; their failures are logged and never fail the request
     * @param keepOrphanReferrers false: deleting a manifest deletes its referrers too (gc.keep_orphan_referrers)
     */
    public ContentService(MetadataStore meta, BlobStore store, DigestLocks locks, ContentGate gate, RegistryEvents journal,
                          RegistryEvents events, Clock clock, int maxManifestBytes, Duration uploadExpiry, Duration gcGrace,
                          boolean keepOrphanReferrers) {
        this(meta, store, locks, gate, journal, events, clock, maxManifestBytes, uploadExpiry, gcGrace, keepOrphanReferrers,
                new LocalClusterEvents(), new LocalReadLeases());
    }

    /**
     * @param cluster tells the other replicas of deleted manifests, and this one of theirs
     * @param tagLeases when tags may be answered from the cache, and how a change of tags reaches every replica's
     *                cache before it is acknowledged: a client pulling right after its push, through any replica, must
     *                get what it pushed, which the cluster's invalidation bound alone would not promise. Manifests are
     *                cached by digest (their bytes never change; a deletion reaches every replica within the bound).
     */
    public ContentService(MetadataStore meta, BlobStore store, DigestLocks locks, ContentGate gate, RegistryEvents journal,
                          RegistryEvents events, Clock clock, int maxManifestBytes, Duration uploadExpiry, Duration gcGrace,
                          boolean keepOrphanReferrers, ClusterEvents cluster, ReadLeases tagLeases) {
        this.cluster = cluster;
        this.tagLeases = tagLeases;
        this.keepOrphanReferrers = keepOrphanReferrers;
        this.meta = meta;
        this.store = store;
        this.locks = locks;
        this.gate = gate;
        this.journal = journal;
        this.events = events;
        this.clock = clock;
        this.maxManifestBytes = maxManifestBytes;
        this.grace = gcGrace;
        this.uploads = new Uploads(meta, store, locks, clock, uploadExpiry);
        // Both caches are read through (Cache.get with a loader, atomic per key) and only ever INVALIDATED by
        // writers, after their transaction committed. A writer's invalidate waits for a load of the same key that is
        // in flight (Caffeine computes under the key's lock), so a load that read the database before the commit
        // cannot put its stale answer back after the invalidate: the cache holds nothing or what the database holds.
        this.manifestCache = Caffeine.newBuilder().maximumWeight(64L << 20)
                .weigher((String k, StoredManifest m) -> m.bytes().length + 256).build();
        // With replicas, entries also expire: the one change a lease cannot cover is a commit whose announcement the
        // database refused (its client got 503 and is expected to retry, which announces it); a minute bounds it.
        this.tagCache = tagLeases instanceof LocalReadLeases
                ? Caffeine.newBuilder().maximumSize(100_000).build()
                : Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(1)).build();
        tagLeases.subscribe(key -> {
            if (key == null) {
                tagCache.invalidateAll();
            } else {
                tagCache.invalidate(key);
            }
        });
        this.recentlyTouched = Caffeine.newBuilder().maximumSize(100_000)
                .expireAfterWrite(gcGrace.isZero() ? Duration.ofSeconds(1) : gcGrace.dividedBy(4)).build();
        cluster.subscribe(MANIFEST_DELETED, key -> {
            if (key.isEmpty()) {
                manifestCache.invalidateAll(); // a reset: deletions may have been missed
            } else {
                manifestCache.invalidate(key);
            }
        });
    }

    public ContentGate gate() {
        return gate;
    }

    public int maxManifestBytes() {
        return maxManifestBytes;
    }

    // ---------------------------------------------------------------- names

    /** Validates a repository name by the OCI grammar; NAME_INVALID otherwise. */
    public static String checkName(String repository) {
        if (!RepositoryName.isValid(repository)) {
            String shown = repository == null ? "" : repository.length() > 80 ? repository.substring(0, 80) + "…" : repository;
            throw OciError.nameInvalid("invalid repository name '" + shown + "': lowercase letters and digits in path "
                    + "components separated by '.', '_', '__' or '-', at most " + RepositoryName.MAX_LENGTH + " characters").exception();
        }
        return repository;
    }

    public static Digest parseDigest(String text) {
        try {
            return Digest.parse(text);
        } catch (InvalidDigestException e) {
            throw OciError.digestInvalid(e.getMessage()).exception();
        }
    }

    public boolean repositoryExists(String repository) {
        return meta.repositoryExists(repository);
    }

    public List<String> listRepositories(String last, int limit) {
        return meta.listRepositories(last, limit);
    }

    // ---------------------------------------------------------------- manifests

    /** The digest a tag or digest reference names in {@code repository}, if any. */
    public Optional<Digest> resolve(String repository, String reference) {
        if (reference.indexOf(':') >= 0) {
            Digest d = parseDigest(reference);
            return getManifest(repository, d).map(StoredManifest::digest);
        }
        long generation = tagLeases.generation();
        if (generation < 0) return meta.resolveTag(repository, reference).map(Digest::parse); // no lease: no cache
        String key = repository + ":" + reference;
        CachedTag cached = tagCache.get(key, k -> loadTag(repository, reference, generation));
        if (cached != null && cached.generation() != generation) {
            cached = tagCache.asMap().compute(key, (k, old) -> old != null && old.generation() == generation
                    ? old : loadTag(repository, reference, generation));
        }
        return cached == null ? Optional.empty() : Optional.of(Digest.parse(cached.digest()));
    }

    // absent tags are not cached (a scanner asking for random ones would fill the cache)
    private CachedTag loadTag(String repository, String tag, long generation) {
        return meta.resolveTag(repository, tag).map(d -> new CachedTag(d, generation)).orElse(null);
    }

    /**
     * After a commit that changed tags: drops them here, then (with replicas) waits until every replica caching
     * tags has dropped them; only then may the change be acknowledged.
     */
    private void tagsChanged(String repository, Collection<String> tags) {
        if (tags.isEmpty()) return;
        List<String> keys = new ArrayList<>(tags.size());
        for (String t : tags) keys.add(repository + ":" + t);
        for (String k : keys) tagCache.invalidate(k);
        tagLeases.changed(keys);
    }

    /** A manifest by tag or digest. */
    public Optional<StoredManifest> getManifest(String repository, String reference) {
        if (reference.indexOf(':') >= 0) return getManifest(repository, parseDigest(reference));
        Optional<Digest> d = resolve(repository, reference);
        if (d.isEmpty()) return Optional.empty();
        Optional<StoredManifest> m = getManifest(repository, d.get());
        if (m.isEmpty()) tagCache.invalidate(repository + ":" + reference);
        return m;
    }

    public Optional<StoredManifest> getManifest(String repository, Digest digest) {
        return Optional.ofNullable(manifestCache.get(repository + "@" + digest, k -> meta.manifest(repository, digest.toString())
                .map(r -> new StoredManifest(repository, digest, r.mediaType(), r.content(), r.artifactType(), MetadataStore.digest(r.subject())))
                .orElse(null)));
    }

    /** Pushes a manifest, applying the content gate. See {@link #putManifest(String, String, Collection, byte[], String, Principal, boolean)}. */
    public PushedManifest putManifest(String repository, String reference, byte[] bytes, String mediaType, Principal principal) {
        return putManifest(repository, reference, List.of(), bytes, mediaType, principal, true);
    }

    /**
     * Stores a manifest exactly as given.
     *
     * @param reference  a tag, or the manifest's digest (verified)
     * @param extraTags  more tags to point at it (the {@code ?tag=} parameters of a push by digest)
     * @param mediaType  the Content-Type sent (parameters ignored); may be null to use the manifest's mediaType field
     * @param applyGate  false only for trusted internal writers (promotion) that have evaluated their own policy
     * @throws RegistryException with MANIFEST_INVALID (413 when too large), DIGEST_INVALID, MANIFEST_BLOB_UNKNOWN,
     *                           NAME_INVALID or the gate's error
     */
    public PushedManifest putManifest(String repository, String reference, Collection<String> extraTags, byte[] bytes,
                                      String mediaType, Principal principal, boolean applyGate) {
        checkName(repository);
        if (bytes.length > maxManifestBytes) throw manifestTooLarge().exception();
        Digest byReference = null;
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        if (reference.indexOf(':') >= 0) {
            byReference = parseDigest(reference);
        } else {
            tags.add(checkTag(reference));
        }
        for (String t : extraTags) tags.add(checkTag(t));
        ManifestParser.Parsed parsed = ManifestParser.parse(bytes, mediaType);
        Digest digest = Digest.of(byReference == null ? "sha256" : byReference.algorithm(), bytes);
        if (byReference != null && !byReference.equals(digest)) {
            throw OciError.digestInvalid("manifest digest is " + digest + ", not " + byReference).exception();
        }
        if (applyGate) {
            Optional<OciError> refused = gate.beforeManifestPush(principal, repository, reference, bytes, parsed.mediaType());
            if (refused.isPresent()) throw refused.get().exception();
        }
        MetadataStore.NewManifest row = new MetadataStore.NewManifest(digest.toString(), parsed.mediaType(), bytes,
                parsed.artifactType(), parsed.subject(), parsed.annotationsJson(), parsed.blobs(), parsed.children());
        Digest subject = MetadataStore.digest(parsed.subject());
        List<String> tagList = List.copyOf(tags);
        String firstTag = tagList.isEmpty() ? null : tagList.get(0);
        try {
            meta.putManifest(repository, row, tags, changed -> journal.manifestPushed(repository, digest, parsed.mediaType(),
                    firstTag, subject, parsed.artifactType(), principal));
        } catch (MetadataStore.MissingReference e) {
            throw OciError.manifestBlobUnknown(e.digest).exception();
        }
        // Invalidate, never put: the commit order of concurrent pushes decides what a tag holds, not the order
        // in which their threads get here afterwards.
        manifestCache.invalidate(repository + "@" + digest);
        for (String t : tags) tagCache.invalidate(repository + ":" + t);
        fire(l -> l.manifestPushed(repository, digest, parsed.mediaType(), firstTag, subject, parsed.artifactType(), principal));
        tagsChanged(repository, tags);
        return new PushedManifest(digest, parsed.mediaType(), subject, tagList);
    }

    public OciError manifestTooLarge() {
        return new OciError(413, "MANIFEST_INVALID", "manifest is larger than the limit of " + maxManifestBytes + " bytes");
    }

    private static String checkTag(String tag) {
        if (!RepositoryName.isValidTag(tag)) {
            throw OciError.manifestInvalid("invalid tag '" + (tag.length() > 80 ? tag.substring(0, 80) + "…" : tag)
                    + "': [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}").exception();
        }
        return tag;
    }

    /**
     * Deletes a manifest and every tag pointing at it and, unless gc.keep_orphan_referrers, its referrers (recursively):
     * a scan report or signature of a deleted image describes nothing any more. MANIFEST_UNKNOWN when absent.
     */
    public void deleteManifest(String repository, Digest digest, Principal principal) {
        Optional<List<MetadataStore.DeletedManifest>> deleted = meta.deleteManifest(repository, digest.toString(), !keepOrphanReferrers,
                removed -> journalDeletes(repository, removed, principal));
        if (deleted.isEmpty()) throw OciError.manifestUnknown(digest.toString()).exception();
        afterDeletes(repository, deleted.get(), principal);
    }

    /**
     * GC's deletion of a referrer whose subject is gone, with its own referrers; only if, inside the transaction, the
     * subject is still absent.
     */
    public int deleteOrphanReferrer(String repository, Digest digest, Principal principal) {
        Optional<List<MetadataStore.DeletedManifest>> deleted = meta.deleteOrphanReferrer(repository, digest.toString(),
                removed -> journalDeletes(repository, removed, principal));
        deleted.ifPresent(d -> afterDeletes(repository, d, principal));
        return deleted.map(List::size).orElse(0);
    }

    /** Whether deleting a manifest leaves its referrers (gc.keep_orphan_referrers). */
    public boolean keepsOrphanReferrers() {
        return keepOrphanReferrers;
    }

    // inside the transaction: the audit records of every manifest (and tag) a delete removed, cascaded ones included
    private void journalDeletes(String repository, List<MetadataStore.DeletedManifest> removed, Principal principal) {
        for (MetadataStore.DeletedManifest m : removed) {
            Digest d = Digest.parse(m.digest());
            for (String t : m.tags()) journal.tagDeleted(repository, t, principal);
            journal.manifestDeleted(repository, d, principal);
        }
    }

    private void afterDeletes(String repository, List<MetadataStore.DeletedManifest> removed, Principal principal) {
        List<String> tags = new ArrayList<>();
        for (MetadataStore.DeletedManifest m : removed) {
            tags.addAll(m.tags());
            Digest d = Digest.parse(m.digest());
            manifestCache.invalidate(repository + "@" + d);
            cluster.publish(MANIFEST_DELETED, repository + "@" + d);
            for (String t : m.tags()) tagCache.invalidate(repository + ":" + t);
            for (String t : m.tags()) fire(l -> l.tagDeleted(repository, t, principal));
            fire(l -> l.manifestDeleted(repository, d, principal));
        }
        tagsChanged(repository, tags);
    }

    /** GC's deletion of an untagged manifest: only if it is still untagged and unreferenced. */
    public boolean deleteUntaggedManifest(String repository, Digest digest, Principal principal) {
        if (!meta.deleteManifestIfUntagged(repository, digest.toString(), () -> journal.manifestDeleted(repository, digest, principal))) {
            return false;
        }
        manifestCache.invalidate(repository + "@" + digest);
        cluster.publish(MANIFEST_DELETED, repository + "@" + digest);
        fire(l -> l.manifestDeleted(repository, digest, principal));
        return true;
    }

    /** Removes a tag (the manifest stays); MANIFEST_UNKNOWN when absent. */
    public void deleteTag(String repository, String tag, Principal principal) {
        if (!meta.deleteTag(repository, tag, () -> journal.tagDeleted(repository, tag, principal))) throw OciError.manifestUnknown(tag).exception();
        tagCache.invalidate(repository + ":" + tag);
        fire(l -> l.tagDeleted(repository, tag, principal));
        tagsChanged(repository, List.of(tag));
    }

    /** Every tag of a repository, in byte order. */
    public List<String> listTags(String repository) {
        return meta.listTags(repository, null, Integer.MAX_VALUE);
    }

    /** Tags after {@code last}, at most {@code limit}. */
    public List<String> listTags(String repository, String last, int limit) {
        return meta.listTags(repository, last, limit);
    }

    public List<String> tagsOf(String repository, Digest digest) {
        return meta.tagsOf(repository, digest.toString());
    }

    /** Manifests in {@code repository} whose subject is {@code subject}, optionally only of one artifactType. */
    public List<Referrer> referrers(String repository, Digest subject, String artifactType) {
        List<Referrer> out = new ArrayList<>();
        for (MetadataStore.ReferrerRow r : meta.referrers(repository, subject.toString(), artifactType)) {
            Map<String, String> annotations = Map.of();
            if (r.annotations() != null) {
                try {
                    annotations = ManifestParser.JSON.readValue(r.annotations(), new TypeReference<Map<String, String>>() {
                    });
                } catch (IOException e) {
                    annotations = Map.of(); // non-string annotation values: leave them out rather than fail the listing
                }
            }
            out.add(new Referrer(r.mediaType(), Digest.parse(r.digest()), r.size(), r.artifactType(), annotations));
        }
        return out;
    }

    // ---------------------------------------------------------------- blobs

    /** The size of a blob that {@code repository} holds, or empty. */
    public OptionalLong blobSize(String repository, Digest digest) {
        return meta.linkedBlobSize(repository, digest.toString());
    }

    public boolean blobExists(String repository, Digest digest) {
        return blobSize(repository, digest).isPresent();
    }

    /**
     * Like {@link #blobSize} and renews the blob's GC protection: a client that checks a blob exists before
     * pushing a manifest that references it must not lose it to a GC in between.
     */
    public OptionalLong statBlobForPush(String repository, Digest digest) {
        OptionalLong size = blobSize(repository, digest);
        if (size.isPresent()) touch(digest);
        return size;
    }

    private void touch(Digest digest) {
        String key = digest.toString();
        if (recentlyTouched.getIfPresent(key) == null) {
            meta.touchBlob(key);
            recentlyTouched.put(key, Boolean.TRUE);
        }
    }

    /** Opens a blob of {@code repository} for reading; BLOB_UNKNOWN when it does not hold it. */
    public SeekableByteChannel openBlobChannel(String repository, Digest digest) {
        OptionalLong size = blobSize(repository, digest);
        if (size.isEmpty()) throw OciError.blobUnknown(digest.toString()).exception();
        try {
            return store.open(digest, size.getAsLong());
        } catch (NoSuchFileException e) {
            throw OciError.blobUnknown(digest.toString()).exception();
        } catch (IOException e) {
            throw Uploads.storageFailure(e);
        }
    }

    /**
     * Where a client may fetch a blob of {@code repository} straight from the storage (storage.s3.redirect), or
     * empty to serve it; BLOB_UNKNOWN when the repository does not hold it.
     */
    public Optional<java.net.URI> blobRedirect(String repository, Digest digest) {
        if (!blobExists(repository, digest)) throw OciError.blobUnknown(digest.toString()).exception();
        try {
            return store.redirect(digest);
        } catch (IOException e) {
            throw Uploads.storageFailure(e);
        }
    }

    /** Opens a blob as a stream (the caller closes it); for scanners and copiers. */
    public InputStream openBlob(String repository, Digest digest) {
        return Channels.newInputStream(openBlobChannel(repository, digest));
    }

    /**
     * Links a blob that {@code fromRepository} holds into {@code toRepository} without copying bytes (promotion,
     * cross-repository mount). With {@code fromRepository} null, any repository holding it will do.
     */
    public boolean mountBlob(String fromRepository, String toRepository, Digest digest) {
        checkName(toRepository);
        if (!meta.mountBlob(fromRepository, toRepository, digest.toString())) return false;
        recentlyTouched.put(digest.toString(), Boolean.TRUE);
        return true;
    }

    /**
     * Writes a whole blob into {@code repository} from a stream, hashing while writing. With {@code expected}
     * given the content must match it (DIGEST_INVALID otherwise); without, its sha256 is computed.
     *
     * @param length the exact length, or -1 to read to the end of the stream
     */
    public BlobInfo writeBlob(String repository, InputStream in, long length, Digest expected) {
        checkName(repository);
        return uploads.writeMonolithic(repository, in, length, expected);
    }

    public BlobInfo writeBlob(String repository, InputStream in, Digest expected) {
        return writeBlob(repository, in, -1, expected);
    }

    /** Writes a small blob from memory (configs, reports). */
    public BlobInfo writeBlob(String repository, byte[] bytes) {
        return writeBlob(repository, new java.io.ByteArrayInputStream(bytes), bytes.length, Digest.sha256(bytes));
    }

    /** Unlinks a blob from a repository (its bytes go at the next GC if nothing else needs them); BLOB_UNKNOWN when absent. */
    public void deleteBlob(String repository, Digest digest, Principal principal) {
        if (!meta.unlinkBlob(repository, digest.toString(), () -> journal.blobDeleted(repository, digest, principal))) throw OciError.blobUnknown(digest.toString()).exception();
        fire(l -> l.blobDeleted(repository, digest, principal));
    }

    // ---------------------------------------------------------------- upload sessions

    public UploadState startUpload(String repository, String algorithm) {
        checkName(repository);
        if (!algorithm.equals("sha256") && !algorithm.equals("sha512")) {
            throw OciError.digestInvalid("unsupported digest algorithm " + algorithm + " (sha256 or sha512)").exception();
        }
        return uploads.start(repository, algorithm);
    }

    public UploadState uploadStatus(String repository, String id) {
        return uploads.status(repository, id);
    }

    public UploadState appendUpload(String repository, String id, Long rangeStart, Long rangeEnd, InputStream in, long length) {
        return uploads.append(repository, id, rangeStart, rangeEnd, in, length);
    }

    public BlobInfo finishUpload(String repository, String id, Digest digest, Long rangeStart, Long rangeEnd, InputStream in,
                                 long length, boolean hasBody) {
        return uploads.finish(repository, id, digest, rangeStart, rangeEnd, in, length, hasBody);
    }

    public void cancelUpload(String repository, String id) {
        uploads.cancel(repository, id);
    }

    /** GC's janitor: drops expired sessions and orphaned upload areas. */
    public int expireUploads() {
        return uploads.expire(clock.millis() - Math.max(grace.toMillis(), 60_000));
    }

    // ---------------------------------------------------------------- internals shared with GC

    public MetadataStore metadata() {
        return meta;
    }

    public BlobStore blobStore() {
        return store;
    }

    public DigestLocks digestLocks() {
        return locks;
    }

    private void fire(Consumer<RegistryEvents> call) {
        try {
            call.accept(events);
        } catch (RuntimeException e) {
            LOG.warn("a registry event listener failed: {}", e.toString(), e);
        }
    }
}
