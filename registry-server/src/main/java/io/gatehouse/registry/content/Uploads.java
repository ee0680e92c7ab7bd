package io.gatehouse.registry.content;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.metadata.MetadataStore;
import io.gatehouse.registry.storage.BlobStore;
import io.gatehouse.registry.storage.DigestLocks;
import io.gatehouse.registry.storage.RunningDigest;
import io.gatehouse.registry.storage.StorageUnavailableException;
import io.gatehouse.registry.storage.UploadCursor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blob upload sessions. The durable truth is the database row (repository, algorithm, committed offset, and for
 * stores whose uploads other replicas continue the running digest's state and the store's cursor, all saved in one
 * conditional update) plus the store's upload area. On the filesystem the running digest lives only in memory and is
 * rebuilt from the file after a restart; on S3 every request starts from the row, so the next chunk may go to any
 * replica sharing the database and the bucket.
 */
final class Uploads {
    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);

    private static final class Session {
        final String id;
        final String repository;
        final String algorithm;
        final ReentrantLock lock = new ReentrantLock();
        long offset;
        long updatedAt;
        String storeState;
        String hashState;  // base64 state of a resumable digest over [0, offset), or null
        RunningDigest hasher; // covers exactly [0, offset) or is null (restored or rebuilt on demand)
        boolean closed;

        Session(MetadataStore.UploadRow r) {
            this.id = r.id();
            this.repository = r.repository();
            this.algorithm = r.algorithm();
            refresh(r);
        }

        void refresh(MetadataStore.UploadRow r) {
            this.offset = r.offset();
            this.updatedAt = r.updatedAt();
            this.storeState = r.storeState();
            this.hashState = r.hashState();
            this.hasher = null;
        }

        UploadCursor cursor() {
            return new UploadCursor(id, offset, storeState);
        }
    }

    private final MetadataStore meta;
    private final BlobStore store;
    private final DigestLocks locks;
    private final Clock clock;
    private final Duration expiry;
    /**
     * Sessions this process has seen. Entries idle for an hour go (a session finished on another replica would
     * otherwise stay here for good); one that comes back is read from its row again, and on the filesystem its
     * digest is rebuilt from the file.
     */
    private final ConcurrentMap<String, Session> live = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofHours(1)).<String, Session>build().asMap();

    Uploads(MetadataStore meta, BlobStore store, DigestLocks locks, Clock clock, Duration expiry) {
        this.meta = meta;
        this.store = store;
        this.locks = locks;
        this.clock = clock;
        this.expiry = expiry;
    }

    /** 503 when the storage is unreachable (nothing changed, retry later); anything else is the registry's fault. */
    static RuntimeException storageFailure(IOException e) {
        if (e instanceof StorageUnavailableException) {
            return OciError.unavailable("blob storage is unreachable; nothing was changed, try again later").exception();
        }
        return new UncheckedIOException(e);
    }

    UploadState start(String repository, String algorithm) {
        String id = UUID.randomUUID().toString();
        UploadCursor c;
        try {
            c = store.createUpload(id);
        } catch (IOException e) {
            throw storageFailure(e);
        }
        meta.createUpload(id, repository, algorithm, c.state());
        long now = clock.millis();
        Session s = new Session(new MetadataStore.UploadRow(id, repository, algorithm, 0, now, now, null, c.state()));
        live.put(id, s);
        return new UploadState(id, repository, 0);
    }

    private Session session(String repository, String id) {
        if (!validId(id)) throw OciError.blobUploadUnknown().exception();
        Session s = live.get(id);
        if (s == null) {
            MetadataStore.UploadRow r = meta.upload(id).orElseThrow(() -> OciError.blobUploadUnknown().exception());
            if (!store.uploadExists(new UploadCursor(id, r.offset(), r.storeState()))) throw OciError.blobUploadUnknown().exception();
            s = live.computeIfAbsent(id, k -> new Session(r));
        }
        if (!s.repository.equals(repository)) throw OciError.blobUploadUnknown().exception();
        return s;
    }

    /**
     * Under the session's lock: where the session stands now. With a shared store another replica may have appended
     * to, finished or cancelled it since this process last saw it, so the row is read again (one primary-key lookup).
     */
    private void sync(Session s) {
        if (s.closed) throw OciError.blobUploadUnknown().exception();
        if (store.uploadsResumeElsewhere()) {
            Optional<MetadataStore.UploadRow> row = meta.upload(s.id);
            if (row.isEmpty()) {
                s.closed = true;
                live.remove(s.id, s);
                throw OciError.blobUploadUnknown().exception();
            }
            MetadataStore.UploadRow r = row.get();
            if (r.offset() != s.offset || !Objects.equals(r.storeState(), s.storeState) || !Objects.equals(r.hashState(), s.hashState)) {
                s.refresh(r);
            }
            s.updatedAt = Math.max(s.updatedAt, r.updatedAt());
        }
        if (!expiry.isZero() && s.updatedAt < clock.millis() - expiry.toMillis()) {
            throw OciError.blobUploadUnknown().exception();
        }
    }

    private static boolean validId(String id) {
        return id != null && id.matches("[A-Za-z0-9-]{1,64}");
    }

    UploadState status(String repository, String id) {
        Session s = session(repository, id);
        s.lock.lock();
        try {
            sync(s);
            return new UploadState(s.id, s.repository, s.offset);
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * Appends a chunk. {@code rangeStart}/{@code rangeEnd} come from Content-Range (inclusive; null when absent),
     * {@code length} from Content-Length (-1 when unknown).
     */
    UploadState append(String repository, String id, Long rangeStart, Long rangeEnd, InputStream in, long length) {
        Session s = session(repository, id);
        s.lock.lock();
        try {
            sync(s);
            appendLocked(s, rangeStart, rangeEnd, in, length, false);
            return new UploadState(s.id, s.repository, s.offset);
        } finally {
            s.lock.unlock();
        }
    }

    private void appendLocked(Session s, Long rangeStart, Long rangeEnd, InputStream in, long length, boolean closing) {
        long expected = length;
        if (rangeStart != null) {
            if (rangeStart != s.offset) {
                throw new UploadRangeException(new UploadState(s.id, s.repository, s.offset),
                        "chunk starts at " + rangeStart + " but the upload holds " + s.offset + " bytes");
            }
            long rangeLength = rangeEnd - rangeStart + 1;
            if (length >= 0 && length != rangeLength) {
                throw new UploadRangeException(new UploadState(s.id, s.repository, s.offset),
                        "Content-Range covers " + rangeLength + " bytes but Content-Length is " + length);
            }
            expected = rangeLength;
        }
        ensureHasher(s, closing);
        UploadCursor before = s.cursor();
        UploadCursor after;
        try {
            after = store.append(before, in, expected, s.hasher);
        } catch (StorageUnavailableException e) {
            s.hasher = null; // it saw bytes that are not part of the upload
            LOG.warn("upload {}: blob storage unreachable: {}", s.id, e.getMessage());
            throw storageFailure(e);
        } catch (IOException e) {
            s.hasher = null;
            throw OciError.blobUploadInvalid("upload body ended early: " + e.getMessage()).exception();
        }
        long n = after.length() - before.length();
        if (expected >= 0 && n != expected) {
            s.hasher = null; // the store's new cursor is dropped: the session stays where it was
            throw OciError.blobUploadInvalid("expected " + expected + " bytes in this chunk, received " + n).exception();
        }
        byte[] state = s.hasher.state();
        String hashState = state == null ? null : Base64.getEncoder().encodeToString(state);
        if (!meta.updateUpload(s.id, before.length(), after.length(), hashState, after.state())) {
            // Another request (on another replica) moved the session meanwhile: ours does not count.
            s.hasher = null;
            s.closed = meta.upload(s.id).isEmpty();
            if (s.closed) live.remove(s.id, s);
            else meta.upload(s.id).ifPresent(s::refresh);
            throw new UploadRangeException(new UploadState(s.id, s.repository, s.offset),
                    "the upload was continued by another request at the same time; resume from its offset");
        }
        store.appended(before, after);
        s.offset = after.length();
        s.storeState = after.state();
        s.hashState = hashState;
        s.updatedAt = clock.millis();
    }

    /**
     * Makes {@code s.hasher} cover [0, offset): kept from the last request, restored from the saved state, or rebuilt
     * by reading the upload back. A fresh one is resumable where other replicas may continue the session, unless this
     * request also closes it (nothing to save then, and the JDK's digest is several times faster).
     */
    private void ensureHasher(Session s, boolean closing) {
        if (s.hasher != null) return;
        boolean shared = store.uploadsResumeElsewhere();
        if (s.hashState != null) {
            s.hasher = RunningDigest.resume(s.algorithm, Base64.getDecoder().decode(s.hashState));
            return;
        }
        RunningDigest md = shared && !closing ? RunningDigest.resumable(s.algorithm) : RunningDigest.fast(s.algorithm);
        if (s.offset > 0) {
            try {
                s.storeState = store.hashUpload(s.cursor(), md).state();
            } catch (IOException e) {
                throw storageFailure(e);
            }
        }
        s.hasher = md;
    }

    /** Appends an optional last chunk, verifies the whole upload against {@code digest} and commits it. */
    BlobInfo finish(String repository, String id, Digest digest, Long rangeStart, Long rangeEnd, InputStream in, long length,
                    boolean hasBody) {
        Session s = session(repository, id);
        s.lock.lock();
        try {
            sync(s);
            if (hasBody) appendLocked(s, rangeStart, rangeEnd, in, length, true);
            Digest actual;
            if (digest.algorithm().equals(s.algorithm)) {
                ensureHasher(s, true);
                actual = Digest.fromBytes(s.algorithm, s.hasher.digest());
                s.hasher = null;
            } else {
                RunningDigest md = RunningDigest.fast(digest.algorithm());
                try {
                    s.storeState = store.hashUpload(s.cursor(), md).state();
                } catch (IOException e) {
                    throw storageFailure(e);
                }
                actual = Digest.fromBytes(digest.algorithm(), md.digest());
            }
            if (!actual.equals(digest)) {
                closeLocked(s);
                throw OciError.digestInvalid("uploaded content has digest " + actual + ", not " + digest).exception();
            }
            commit(s.cursor(), repository, digest, s.offset);
            s.closed = true;
            live.remove(s.id);
            meta.deleteUpload(s.id);
            return new BlobInfo(digest, s.offset);
        } finally {
            s.lock.unlock();
        }
    }

    /** Writes a whole blob from a stream (single POST, or Java callers), verifying it when a digest is given. */
    BlobInfo writeMonolithic(String repository, InputStream in, long length, Digest expected) {
        String id = UUID.randomUUID().toString();
        String algorithm = expected == null ? "sha256" : expected.algorithm();
        RunningDigest md = RunningDigest.fast(algorithm);
        UploadCursor at = null;
        try {
            at = store.createUpload(id);
            UploadCursor written;
            try {
                written = store.append(at, in, length, md);
            } catch (StorageUnavailableException e) {
                throw e;
            } catch (IOException e) {
                throw OciError.blobUploadInvalid("upload body ended early: " + e.getMessage()).exception();
            }
            long n = written.length();
            if (length >= 0 && n != length) {
                throw OciError.sizeInvalid("expected " + length + " bytes, received " + n).exception();
            }
            at = written;
            Digest actual = Digest.fromBytes(algorithm, md.digest());
            if (expected != null && !actual.equals(expected)) {
                throw OciError.digestInvalid("uploaded content has digest " + actual + ", not " + expected).exception();
            }
            commit(at, repository, actual, n);
            at = null; // committed: nothing left to remove
            return new BlobInfo(actual, n);
        } catch (IOException e) {
            throw storageFailure(e);
        } finally {
            if (at != null) {
                try {
                    store.deleteUpload(id);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("could not remove upload area {}: {}", id, e.toString());
                }
            }
        }
    }

    private void commit(UploadCursor at, String repository, Digest digest, long size) {
        java.util.concurrent.locks.Lock lock = locks.lockFor(digest);
        lock.lock();
        try {
            store.commit(at, digest);
            meta.linkBlob(repository, digest.toString(), size);
        } catch (IOException e) {
            throw storageFailure(e);
        } finally {
            lock.unlock();
        }
    }

    void cancel(String repository, String id) {
        Session s = session(repository, id);
        s.lock.lock();
        try {
            sync(s);
            closeLocked(s);
        } finally {
            s.lock.unlock();
        }
    }

    private void closeLocked(Session s) {
        s.closed = true;
        live.remove(s.id);
        meta.deleteUpload(s.id);
        deleteQuietly(s.id);
    }

    /**
     * Removes sessions idle longer than the expiry, and upload areas without a session (single-request uploads
     * cut short by a crash) older than {@code orphanBefore}. Returns how many were removed.
     */
    int expire(long orphanBefore) {
        int removed = 0;
        if (!expiry.isZero()) {
            for (String id : meta.uploadsIdleSince(clock.millis() - expiry.toMillis())) {
                Session s = live.get(id);
                if (s != null) {
                    if (!s.lock.tryLock()) continue;
                    try {
                        if (s.updatedAt >= clock.millis() - expiry.toMillis()) continue;
                        closeLocked(s);
                    } finally {
                        s.lock.unlock();
                    }
                } else {
                    meta.deleteUpload(id);
                    deleteQuietly(id);
                }
                removed++;
            }
        }
        try {
            var known = new java.util.HashSet<>(meta.allUploadIds());
            for (String id : store.listUploads()) {
                if (!known.contains(id) && !live.containsKey(id) && store.uploadLastModified(id) < orphanBefore) {
                    deleteQuietly(id);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("could not list upload areas: {}", e.toString());
        }
        return removed;
    }

    private void deleteQuietly(String id) {
        try {
            store.deleteUpload(id);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("could not remove upload area {}: {}", id, e.toString());
        }
    }
}
