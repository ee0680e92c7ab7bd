package io.gatehouse.registry.storage;

import io.gatehouse.core.reference.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where blob bytes live: content-addressed, written through upload areas and committed after verification, so a
 * blob is never visible under its digest with other or partial content. Two implementations, one contract
 * ({@code BlobStoreContract} in the tests): {@link FileSystemBlobStore} (the default) and {@link S3BlobStore}.
 * Metadata (which repository has which blob, upload sessions) is not kept here but in the database; an upload's
 * progress is a {@link UploadCursor} that the caller saves with the session after each append.
 * <p>
 * {@link StorageUnavailableException} (an IOException) means the storage could not be reached: nothing changed.
 */
public interface BlobStore extends AutoCloseable {

    /** The size of a committed blob, or empty. */
    OptionalLong stat(Digest digest) throws IOException;

    /** Opens a committed blob for reading; {@link java.nio.file.NoSuchFileException} when absent. */
    SeekableByteChannel open(Digest digest) throws IOException;

    /** Like {@link #open(Digest)}, for a blob whose size the caller knows (saves object storage a request). */
    default SeekableByteChannel open(Digest digest, long size) throws IOException {
        return open(digest);
    }

    /**
     * Where a client may fetch a committed blob directly (a presigned URL) instead of through the registry, when the
     * store is configured to hand those out; empty to serve the bytes.
     */
    default Optional<URI> redirect(Digest digest) throws IOException {
        return Optional.empty();
    }

    /** Whether {@link #redirect} hands out URLs at all (saves the blob GET path a look-up when it does not). */
    default boolean redirects() {
        return false;
    }

    /** Removes a committed blob (GC only; callers hold the digest's lock). */
    void delete(Digest digest) throws IOException;

    /** Every committed blob, for GC's sweep of files the database does not know (crash leftovers). */
    List<Digest> list() throws IOException;

    /** Last modification time in epoch millis, for the orphan sweep's age check. */
    long lastModified(Digest digest) throws IOException;

    /**
     * True when another process sharing this store may continue an upload this one started (object storage): the
     * running digest must then be saved with the session ({@link RunningDigest#resumable}), as re-reading the bytes
     * is not possible or not cheap.
     */
    default boolean uploadsResumeElsewhere() {
        return false;
    }

    /** Creates an empty upload area. */
    UploadCursor createUpload(String id) throws IOException;

    /** Whether the upload area of a session still exists (false after a crash removed it, or a cleanup). */
    boolean uploadExists(UploadCursor at);

    /**
     * Appends {@code in} to the upload at {@code at.length()} (anything after it, from a failed earlier attempt, is
     * discarded), feeding every byte to {@code hasher} (may be null). At most {@code maxBytes} bytes are read (-1:
     * until end of stream). On an error the upload is still as {@code at} describes, so a retry can resume from it.
     *
     * @return where the upload stands now; the caller saves it with the session, then calls {@link #appended}
     */
    UploadCursor append(UploadCursor at, InputStream in, long maxBytes, RunningDigest hasher) throws IOException;

    /** Told once {@code current} is saved: frees what only {@code previous} needed (nothing for the filesystem). */
    default void appended(UploadCursor previous, UploadCursor current) {
    }

    /**
     * Hashes the whole upload (to resume after a restart, or to verify another algorithm than the session's). May
     * seal it: then the returned cursor is the one to commit and no more bytes can be appended.
     */
    UploadCursor hashUpload(UploadCursor at, RunningDigest hasher) throws IOException;

    /**
     * Makes an upload's bytes visible as {@code digest} in one atomic step, then removes the upload. If the blob
     * already exists (deduplication) the upload is simply discarded. Callers hold the digest's lock and have
     * verified the digest.
     */
    void commit(UploadCursor at, Digest digest) throws IOException;

    /** Removes an upload area and everything it holds (idempotent). */
    void deleteUpload(String id) throws IOException;

    /** Upload areas (including those without a database row, left by a crash). */
    List<String> listUploads() throws IOException;

    /** Last modification of an upload area in epoch millis (0 if absent). */
    long uploadLastModified(String id);

    /** Whether the storage answers now (readiness). */
    boolean available();

    /** Releases clients and threads (the registry's shutdown). */
    @Override
    default void close() {
    }
}
