package io.gatehouse.registry.storage;

import io.gatehouse.core.reference.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where blob bytes live: content-addressed, written through upload areas and committed atomically after
 * verification. The filesystem is the only implementation today; the interface is the seam for S3.
 * Metadata (which repository has which blob) is not kept here but in the database.
 */
public interface BlobStore {

    /** The size of a committed blob, or empty. */
    OptionalLong stat(Digest digest);

    /** Opens a committed blob for reading; {@link java.nio.file.NoSuchFileException} when absent. */
    SeekableByteChannel open(Digest digest) throws IOException;

    /** Removes a committed blob (GC only; callers hold the digest's lock). */
    void delete(Digest digest) throws IOException;

    /** Every committed blob, for GC's sweep of files the database does not know (crash leftovers). */
    List<Digest> list() throws IOException;

    /** Seconds-resolution age check for the orphan sweep: last modification time in epoch millis. */
    long lastModified(Digest digest) throws IOException;

    /** Creates an empty upload area. */
    void createUpload(String id) throws IOException;

    boolean uploadExists(String id);

    /** Bytes currently in the upload area. */
    long uploadSize(String id) throws IOException;

    /**
     * Appends {@code in} to the upload at {@code offset} (anything after offset, from a failed earlier attempt, is
     * discarded first), feeding every byte to {@code hasher} (may be null). At most {@code maxBytes} bytes are read
     * (-1: until end of stream). On an I/O error the upload is cut back to {@code offset}, so a retry can resume.
     *
     * @return the number of bytes appended
     */
    long append(String id, long offset, InputStream in, long maxBytes, MessageDigest hasher) throws IOException;

    /** Hashes the first {@code length} bytes of an upload (to resume after a restart, or to verify another algorithm). */
    void hashUpload(String id, long length, MessageDigest hasher) throws IOException;

    /** Cuts an upload back to {@code length} bytes. */
    void truncateUpload(String id, long length) throws IOException;

    /**
     * Makes an upload's bytes durable and visible as {@code digest} in one atomic step, then removes the upload.
     * If the blob already exists (deduplication) the upload is simply discarded. Callers hold the digest's lock
     * and have verified the digest.
     */
    void commit(String id, Digest digest) throws IOException;

    void deleteUpload(String id) throws IOException;

    /** Upload areas on disk (including those without a database row, left by a crash). */
    List<String> listUploads() throws IOException;

    /** Last modification of an upload area in epoch millis (0 if absent). */
    long uploadLastModified(String id);
}
