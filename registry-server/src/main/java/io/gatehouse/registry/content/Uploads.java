package io.gatehouse.registry.content;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.metadata.MetadataStore;
import io.gatehouse.registry.storage.BlobStore;
import io.gatehouse.registry.storage.DigestLocks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blob upload sessions. The durable truth is the database row (repository, algorithm, committed offset) plus the
 * upload file; a session's running hash lives only in memory and is rebuilt from the file after a restart, so an
 * upload survives a restart and resumes at its committed offset.
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
        MessageDigest hasher; // covers exactly [0, offset) or is null (rebuilt on demand)
        boolean closed;

        Session(String id, String repository, String algorithm, long offset, long updatedAt) {
            this.id = id;
            this.repository = repository;
            this.algorithm = algorithm;
            this.offset = offset;
            this.updatedAt = updatedAt;
        }
    }

    private final MetadataStore meta;
    private final BlobStore store;
    private final DigestLocks locks;
    private final Clock clock;
    private final Duration expiry;
    private final ConcurrentHashMap<String, Session> live = new ConcurrentHashMap<>();

    Uploads(MetadataStore meta, BlobStore store, DigestLocks locks, Clock clock, Duration expiry) {
        this.meta = meta;
        this.store = store;
        this.locks = locks;
        this.clock = clock;
        this.expiry = expiry;
    }

    UploadState start(String repository, String algorithm) {
        String id = UUID.randomUUID().toString();
        try {
            store.createUpload(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        meta.createUpload(id, repository, algorithm);
        Session s = new Session(id, repository, algorithm, 0, clock.millis());
        s.hasher = Digest.newMessageDigest(algorithm);
        live.put(id, s);
        return new UploadState(id, repository, 0);
    }

    private Session session(String repository, String id) {
        Session s = live.get(id);
        if (s == null) {
            Optional<MetadataStore.UploadRow> row = validId(id) ? meta.upload(id) : Optional.empty();
            if (row.isEmpty() || !store.uploadExists(id)) throw OciError.blobUploadUnknown().exception();
            MetadataStore.UploadRow r = row.get();
            long offset;
            try {
                // After a crash the file may hold bytes of a chunk that was never acknowledged: cut them off.
                offset = Math.min(r.offset(), store.uploadSize(id));
                store.truncateUpload(id, offset);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            s = live.computeIfAbsent(id, k -> new Session(id, r.repository(), r.algorithm(), offset, r.updatedAt()));
        }
        if (!s.repository.equals(repository) || s.closed) throw OciError.blobUploadUnknown().exception();
        if (!expiry.isZero() && s.updatedAt < clock.millis() - expiry.toMillis()) {
            throw OciError.blobUploadUnknown().exception();
        }
        return s;
    }

    private static boolean validId(String id) {
        return id != null && id.matches("[A-Za-z0-9-]{1,64}");
    }

    UploadState status(String repository, String id) {
        Session s = session(repository, id);
        s.lock.lock();
        try {
            if (s.closed) throw OciError.blobUploadUnknown().exception();
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
            if (s.closed) throw OciError.blobUploadUnknown().exception();
            appendLocked(s, rangeStart, rangeEnd, in, length);
            return new UploadState(s.id, s.repository, s.offset);
        } finally {
            s.lock.unlock();
        }
    }

    private void appendLocked(Session s, Long rangeStart, Long rangeEnd, InputStream in, long length) {
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
        ensureHasher(s);
        long n;
        try {
            n = store.append(s.id, s.offset, in, expected, s.hasher);
        } catch (IOException e) {
            s.hasher = null; // it saw bytes that were cut off again
            throw OciError.blobUploadInvalid("upload body ended early: " + e.getMessage()).exception();
        }
        if (expected >= 0 && n != expected) {
            s.hasher = null;
            try {
                store.truncateUpload(s.id, s.offset);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw OciError.blobUploadInvalid("expected " + expected + " bytes in this chunk, received " + n).exception();
        }
        s.offset += n;
        s.updatedAt = clock.millis();
        meta.updateUpload(s.id, s.offset);
    }

    private void ensureHasher(Session s) {
        if (s.hasher != null) return;
        MessageDigest md = Digest.newMessageDigest(s.algorithm);
        try {
            store.hashUpload(s.id, s.offset, md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s.hasher = md;
    }

    /** Appends an optional last chunk, verifies the whole upload against {@code digest} and commits it. */
    BlobInfo finish(String repository, String id, Digest digest, Long rangeStart, Long rangeEnd, InputStream in, long length,
                    boolean hasBody) {
        Session s = session(repository, id);
        s.lock.lock();
        try {
            if (s.closed) throw OciError.blobUploadUnknown().exception();
            if (hasBody) appendLocked(s, rangeStart, rangeEnd, in, length);
            Digest actual;
            if (digest.algorithm().equals(s.algorithm)) {
                ensureHasher(s);
                actual = Digest.fromBytes(s.algorithm, s.hasher.digest());
                s.hasher = null;
            } else {
                MessageDigest md = digest.newMessageDigest();
                try {
                    store.hashUpload(s.id, s.offset, md);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                actual = Digest.fromBytes(digest.algorithm(), md.digest());
            }
            if (!actual.equals(digest)) {
                closeLocked(s);
                throw OciError.digestInvalid("uploaded content has digest " + actual + ", not " + digest).exception();
            }
            commit(s.id, repository, digest, s.offset);
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
        MessageDigest md = Digest.newMessageDigest(algorithm);
        try {
            store.createUpload(id);
            long n;
            try {
                n = store.append(id, 0, in, length, md);
            } catch (IOException e) {
                throw OciError.blobUploadInvalid("upload body ended early: " + e.getMessage()).exception();
            }
            if (length >= 0 && n != length) {
                throw OciError.sizeInvalid("expected " + length + " bytes, received " + n).exception();
            }
            Digest actual = Digest.fromBytes(algorithm, md.digest());
            if (expected != null && !actual.equals(expected)) {
                throw OciError.digestInvalid("uploaded content has digest " + actual + ", not " + expected).exception();
            }
            commit(id, repository, actual, n);
            return new BlobInfo(actual, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                store.deleteUpload(id);
            } catch (IOException e) {
                LOG.warn("could not remove upload area {}: {}", id, e.toString());
            }
        }
    }

    private void commit(String id, String repository, Digest digest, long size) {
        java.util.concurrent.locks.Lock lock = locks.lockFor(digest);
        lock.lock();
        try {
            store.commit(id, digest);
            meta.linkBlob(repository, digest.toString(), size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    void cancel(String repository, String id) {
        Session s = session(repository, id);
        s.lock.lock();
        try {
            if (s.closed) throw OciError.blobUploadUnknown().exception();
            closeLocked(s);
        } finally {
            s.lock.unlock();
        }
    }

    private void closeLocked(Session s) {
        s.closed = true;
        live.remove(s.id);
        meta.deleteUpload(s.id);
        try {
            store.deleteUpload(s.id);
        } catch (IOException e) {
            LOG.warn("could not remove upload area {}: {}", s.id, e.toString());
        }
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
