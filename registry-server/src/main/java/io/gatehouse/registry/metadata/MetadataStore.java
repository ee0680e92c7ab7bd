package io.gatehouse.registry.metadata;

import io.gatehouse.core.reference.Digest;
import org.jdbi.v3.core.Jdbi;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The registry's metadata (repositories, manifests, tags, blob links, referrers, upload sessions). An interface
 * because it is a seam: SQLite now ({@link SqliteMetadataStore}), PostgreSQL when several replicas share one
 * database. Every method is one transaction; callers never see a half-applied change.
 *
 * <p>The methods that change content take a {@code journal} hook, run inside their transaction once the change is
 * made: what it writes on the same {@link Jdbi} joins that transaction (JDBI reuses the thread's open handle), and
 * when it throws the change is rolled back. That is how a change and its audit record commit together or not at all.
 */
public interface MetadataStore {

    /** A manifest row. */
    public record ManifestRow(String repository, String digest, String mediaType, byte[] content,
                              String artifactType, String subject, String annotations) {
    }

    /** A manifest to record, with what it references. */
    public record NewManifest(String digest, String mediaType, byte[] content, String artifactType, String subject,
                              String annotationsJson, Collection<String> blobs, Collection<String> children) {
    }

    public record ReferrerRow(String digest, String mediaType, long size, String artifactType, String annotations) {
    }

    /** A manifest removed by a delete, with the tags that pointed at it. */
    public record DeletedManifest(String digest, List<String> tags) {
    }

    /**
     * An upload session. {@code hashState} (base64, or null) is the running digest of the first {@code offset} bytes;
     * {@code storeState} (or null) is the blob store's note for continuing the upload: both are saved with the offset
     * in one update, so any replica continues the session from exactly there.
     */
    public record UploadRow(String id, String repository, String algorithm, long offset, long createdAt, long updatedAt,
                            String hashState, String storeState) {
    }

    /** Thrown inside {@link #putManifest} when a referenced blob or child manifest is missing; nothing was written. */
    final class MissingReference extends RuntimeException {
        public final String digest;

        MissingReference(String digest) {
            super("missing " + digest, null, false, false);
            this.digest = digest;
        }
    }


    Jdbi jdbi();

    /** A tag as the web interface lists it: the manifest it points at and when it last moved (epoch milliseconds). */
    public record TagRow(String name, String digest, String mediaType, long manifestSize, long updatedAt) {
    }

    /**
     * Tags after {@code last} (exclusive) in name order, at most {@code limit}, with their manifests: one query for a
     * page of a repository of thousands of tags. Plain SQL on {@link #jdbi()}, the same for every store.
     */
    default List<TagRow> tagDetails(String repository, String last, int limit) {
        return jdbi().withHandle(h -> h.createQuery("SELECT t.name, t.manifest_digest, m.media_type, m.size, t.updated_at "
                        + "FROM tags t JOIN repositories r ON r.id = t.repository_id "
                        + "JOIN manifests m ON m.repository_id = t.repository_id AND m.digest = t.manifest_digest "
                        + "WHERE r.name = ? AND t.name > ? ORDER BY t.name LIMIT ?")
                .bind(0, repository).bind(1, last == null ? "" : last).bind(2, limit)
                .map((rs, c) -> new TagRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5))).list());
    }

    /** The {@code limit} most recently moved tags, newest first. */
    default List<TagRow> recentTags(String repository, int limit) {
        return jdbi().withHandle(h -> h.createQuery("SELECT t.name, t.manifest_digest, m.media_type, m.size, t.updated_at "
                        + "FROM tags t JOIN repositories r ON r.id = t.repository_id "
                        + "JOIN manifests m ON m.repository_id = t.repository_id AND m.digest = t.manifest_digest "
                        + "WHERE r.name = ? ORDER BY t.updated_at DESC, t.name LIMIT ?")
                .bind(0, repository).bind(1, limit)
                .map((rs, c) -> new TagRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5))).list());
    }

    /** How many tags a repository has. */
    default int tagCount(String repository) {
        return jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = ?")
                .bind(0, repository).mapTo(Integer.class).one());
    }

    /** When a tag of the repository last moved (epoch milliseconds), or empty when it has no tag. */
    default OptionalLong lastPush(String repository) {
        Long v = jdbi().withHandle(h -> h.createQuery("SELECT max(t.updated_at) FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = ?")
                .bind(0, repository).mapTo(Long.class).findOne().orElse(null));
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    boolean repositoryExists(String name);

    /**
     * Repository names after {@code last} (exclusive), in byte order, at most {@code limit}; only those holding
     * something (rows are never deleted, since other capabilities keep settings per repository).
     */
    List<String> listRepositories(String last, int limit);

    /** Records a committed blob (or refreshes its GC protection) and links it into {@code repository}. */
    void linkBlob(String repository, String digest, long size);

    /** Links an already-known blob into {@code to}, when {@code from} (or any repository, if from is null) has it. */
    boolean mountBlob(String from, String to, String digest);

    /** The size of a blob linked into {@code repository}, or empty when that repository does not have it. */
    OptionalLong linkedBlobSize(String repository, String digest);

    /** The size of a committed blob in any repository. */
    OptionalLong blobSize(String digest);

    /** Renews a blob's GC protection (a client that saw it exist is likely about to reference it). */
    void touchBlob(String digest);

    /** @param journal run inside the transaction when a link was removed */
    boolean unlinkBlob(String repository, String digest, Runnable journal);

    long totalBlobBytes();

    /**
     * Records a manifest and optionally tags it, in one transaction that first checks every referenced blob is
     * linked into the repository and every child manifest exists there. Because transactions are BEGIN IMMEDIATE,
     * GC cannot remove a blob between that check and the insert of the references that protect it.
     *
     * @param journal told, inside the transaction, the tags that now point at this manifest and did not before
     * @return the tags that now point at this manifest and pointed elsewhere (or nowhere) before
     * @throws MissingReference naming the first missing digest
     */
    List<String> putManifest(String repository, NewManifest m, Collection<String> tags, Consumer<List<String>> journal);

    Optional<ManifestRow> manifest(String repository, String digest);

    Optional<String> resolveTag(String repository, String tag);

    /** Tags after {@code last} (exclusive) in byte ("ASCIIbetical") order, at most {@code limit}. */
    List<String> listTags(String repository, String last, int limit);

    List<String> tagsOf(String repository, String digest);

    /**
     * Deletes a manifest and, by the foreign keys, the tags pointing at it and its references; with
     * {@code withReferrers}, also every manifest of the repository whose subject it is, and theirs in turn (a
     * signature of a scan report of the image), so that no artifact outlives what it describes.
     *
     * @param journal told, inside the transaction, every manifest removed, the one asked for first (only when it existed)
     * @return the manifests removed, the one asked for first, or empty when there was no such manifest
     */
    Optional<List<DeletedManifest>> deleteManifest(String repository, String digest, boolean withReferrers,
                                                   Consumer<List<DeletedManifest>> journal);

    /**
     * Referrers older than {@code before} whose subject is not in their repository (left by deletes from before
     * referrers went with their subject, or pushed ahead of a subject that never came): repository and digest.
     */
    List<String[]> orphanReferrers(long before);

    /**
     * Deletes a referrer and its own referrers, as {@link #deleteManifest} does, only if inside this transaction its
     * subject is still absent (a subject pushed meanwhile keeps it).
     */
    Optional<List<DeletedManifest>> deleteOrphanReferrer(String repository, String digest, Consumer<List<DeletedManifest>> journal);

    /** @param journal run inside the transaction when the tag existed */
    boolean deleteTag(String repository, String tag, Runnable journal);

    List<ReferrerRow> referrers(String repository, String subject, String artifactType);

    void createUpload(String id, String repository, String algorithm, String storeState);

    Optional<UploadRow> upload(String id);

    /**
     * Moves a session from {@code expectedOffset} to {@code offset}; false (nothing changed) when it is no longer at
     * {@code expectedOffset} or gone: another request, possibly on another replica, got there first.
     */
    boolean updateUpload(String id, long expectedOffset, long offset, String hashState, String storeState);

    boolean deleteUpload(String id);

    List<String> uploadsIdleSince(long before);

    List<String> allUploadIds();

    /** Blobs no manifest references whose protection ended before {@code before}. */
    List<String> unreferencedBlobs(long before);

    /** Deletes a blob's row and links if, inside this transaction, it is still unreferenced and unprotected. */
    boolean deleteBlobIfUnreferenced(String digest, long before);

    boolean blobRecorded(String digest);

    /**
     * Untagged manifests older than {@code before} that nothing needs: not a child of another manifest in the same
     * repository, and not a referrer of a manifest that still exists (signatures and reports are untagged by nature;
     * they go once their subject is gone).
     */
    List<String[]> untaggedManifests(long before);

    /** Deletes a manifest only if, inside this transaction, it is still untagged and unreferenced; then runs {@code journal}. */
    boolean deleteManifestIfUntagged(String repository, String digest, Runnable journal);

    static Digest digest(String s) {
        return s == null ? null : Digest.parse(s);
    }
}
