package io.gatehouse.registry.metadata;

import io.gatehouse.core.reference.Digest;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Repositories, manifests, tags, blob links, referrers and upload sessions, in SQL that SQLite and PostgreSQL
 * both understand. Every method is one transaction; callers never see a half-applied change. What differs is how a
 * transaction keeps what it checked true until it commits: {@link SqliteMetadataStore} writes one transaction at a
 * time, {@link PostgresMetadataStore} locks the rows it relies on ({@link #lockForReference}, {@link #lockForDelete}).
 */
public abstract sealed class SqlMetadataStore implements MetadataStore permits SqliteMetadataStore, PostgresMetadataStore {

    final Jdbi jdbi;
    private final Clock clock;
    private final Dialect dialect;

    SqlMetadataStore(Jdbi jdbi, Clock clock, Dialect dialect) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.dialect = dialect;
    }

    /** Runs a write transaction. */
    abstract <T> T inWrite(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work);

    private void useWrite(org.jdbi.v3.core.HandleConsumer<RuntimeException> work) {
        inWrite(h -> {
            work.useHandle(h);
            return null;
        });
    }

    /**
     * Inside a write transaction: whether the blob is linked into the repository, and if so, keeps it from being
     * deleted until the transaction ends (GC's {@link #deleteBlobIfUnreferenced} waits, then sees the references).
     */
    private boolean lockForReference(Handle h, long repo, String blob) {
        if (dialect == Dialect.SQLITE) {
            return h.createQuery("SELECT 1 FROM repository_blobs WHERE repository_id = ? AND digest = ?")
                    .bind(0, repo).bind(1, blob).mapTo(Integer.class).findOne().isPresent();
        }
        return h.createQuery("SELECT 1 FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest "
                        + "WHERE rb.repository_id = ? AND rb.digest = ? FOR SHARE OF b")
                .bind(0, repo).bind(1, blob).mapTo(Integer.class).findOne().isPresent();
    }

    /**
     * Inside a write transaction, before a conditional delete: waits for transactions that hold the row for a
     * reference, so that the delete's conditions (a new statement, a new snapshot under READ COMMITTED) see what they
     * committed. Nothing to do on SQLite, where write transactions run one at a time.
     */
    private void lockForDelete(Handle h, String sql, Object... args) {
        if (dialect == Dialect.SQLITE) return;
        var q = h.createQuery(sql + dialect.forUpdate());
        for (int i = 0; i < args.length; i++) q.bind(i, args[i]);
        q.mapTo(Integer.class).list();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    private long now() {
        return clock.millis();
    }

    // ---- repositories ----

    public boolean repositoryExists(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1 FROM repositories WHERE name = ?").bind(0, name)
                .mapTo(Integer.class).findOne().isPresent());
    }

    /**
     * Repository names after {@code last} (exclusive), in byte order, at most {@code limit}; only those holding
     * something (rows are never deleted, since other capabilities keep settings per repository).
     */
    public List<String> listRepositories(String last, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM repositories r WHERE name > ? AND (EXISTS (SELECT 1 FROM manifests m "
                        + "WHERE m.repository_id = r.id) OR EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.repository_id = r.id)) "
                        + "ORDER BY name LIMIT ?")
                .bind(0, last == null ? "" : last).bind(1, limit).mapTo(String.class).list());
    }

    private static long ensureRepository(Handle h, String name, long now) {
        h.createUpdate("INSERT INTO repositories (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
                .bind(0, name).bind(1, now).execute();
        return h.createQuery("SELECT id FROM repositories WHERE name = ?").bind(0, name).mapTo(Long.class).one();
    }

    private static Optional<Long> repositoryId(Handle h, String name) {
        return h.createQuery("SELECT id FROM repositories WHERE name = ?").bind(0, name).mapTo(Long.class).findOne();
    }

    // ---- blobs ----

    /** Records a committed blob (or refreshes its GC protection) and links it into {@code repository}. */
    public void linkBlob(String repository, String digest, long size) {
        long now = now();
        useWrite(h -> {
            h.createUpdate("INSERT INTO blobs (digest, size, created_at, touched_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (digest) DO UPDATE SET touched_at = excluded.touched_at")
                    .bind(0, digest).bind(1, size).bind(2, now).bind(3, now).execute();
            long repo = ensureRepository(h, repository, now);
            h.createUpdate("INSERT INTO repository_blobs (repository_id, digest, created_at) VALUES (?, ?, ?) "
                    + "ON CONFLICT DO NOTHING").bind(0, repo).bind(1, digest).bind(2, now).execute();
        });
    }

    /** Links an already-known blob into {@code to}, when {@code from} (or any repository, if from is null) has it. */
    public boolean mountBlob(String from, String to, String digest) {
        long now = now();
        return inWrite(h -> {
            boolean known = from == null
                    ? h.createQuery("SELECT 1 FROM repository_blobs WHERE digest = ?").bind(0, digest).mapTo(Integer.class).findFirst().isPresent()
                    : h.createQuery("SELECT 1 FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id "
                    + "WHERE r.name = ? AND rb.digest = ?").bind(0, from).bind(1, digest).mapTo(Integer.class).findFirst().isPresent();
            if (!known) return false;
            h.createUpdate("UPDATE blobs SET touched_at = ? WHERE digest = ?").bind(0, now).bind(1, digest).execute();
            long repo = ensureRepository(h, to, now);
            h.createUpdate("INSERT INTO repository_blobs (repository_id, digest, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                    .bind(0, repo).bind(1, digest).bind(2, now).execute();
            return true;
        });
    }

    /** The size of a blob linked into {@code repository}, or empty when that repository does not have it. */
    public OptionalLong linkedBlobSize(String repository, String digest) {
        Optional<Long> size = jdbi.withHandle(h -> h.createQuery("SELECT b.size FROM repository_blobs rb "
                        + "JOIN repositories r ON r.id = rb.repository_id JOIN blobs b ON b.digest = rb.digest "
                        + "WHERE r.name = ? AND rb.digest = ?")
                .bind(0, repository).bind(1, digest).mapTo(Long.class).findOne());
        return size.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** The size of a committed blob in any repository. */
    public OptionalLong blobSize(String digest) {
        Optional<Long> size = jdbi.withHandle(h -> h.createQuery("SELECT size FROM blobs WHERE digest = ?")
                .bind(0, digest).mapTo(Long.class).findOne());
        return size.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** Renews a blob's GC protection (a client that saw it exist is likely about to reference it). */
    public void touchBlob(String digest) {
        long now = now();
        useWrite(h -> h.createUpdate("UPDATE blobs SET touched_at = ? WHERE digest = ?").bind(0, now).bind(1, digest).execute());
    }

    public boolean unlinkBlob(String repository, String digest, Runnable journal) {
        return inWrite(h -> journaled(h.createUpdate("DELETE FROM repository_blobs WHERE digest = ? AND repository_id = "
                + "(SELECT id FROM repositories WHERE name = ?)").bind(0, digest).bind(1, repository).execute() > 0, journal));
    }

    private static boolean journaled(boolean changed, Runnable journal) {
        if (changed) journal.run();
        return changed;
    }

    public long totalBlobBytes() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(size), 0) FROM blobs").mapTo(Long.class).one());
    }

    // ---- manifests and tags ----

    /**
     * Records a manifest and optionally tags it, in one transaction that first checks every referenced blob is
     * linked into the repository and every child manifest exists there. Because transactions are BEGIN IMMEDIATE,
     * GC cannot remove a blob between that check and the insert of the references that protect it.
     *
     * @return the tags that now point at this manifest and pointed elsewhere (or nowhere) before
     * @throws MissingReference naming the first missing digest
     */
    public List<String> putManifest(String repository, NewManifest m, Collection<String> tags, Consumer<List<String>> journal) {
        long now = now();
        return inWrite(h -> {
            long repo = ensureRepository(h, repository, now);
            for (String blob : m.blobs()) {
                if (!lockForReference(h, repo, blob)) throw new MissingReference(blob);
            }
            for (String child : m.children()) {
                boolean ok = h.createQuery("SELECT 1 FROM manifests WHERE repository_id = ? AND digest = ?" + dialect.forShare())
                        .bind(0, repo).bind(1, child).mapTo(Integer.class).findOne().isPresent();
                if (!ok) throw new MissingReference(child);
            }
            h.createUpdate("INSERT INTO manifests (repository_id, digest, media_type, size, content, artifact_type, "
                            + "subject_digest, annotations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                    .bind(0, repo).bind(1, m.digest()).bind(2, m.mediaType()).bind(3, m.content().length)
                    .bind(4, m.content()).bind(5, m.artifactType()).bind(6, m.subject()).bind(7, m.annotationsJson())
                    .bind(8, now).execute();
            for (String blob : m.blobs()) {
                h.createUpdate("INSERT INTO manifest_references (repository_id, manifest_digest, child_digest, kind) "
                        + "VALUES (?, ?, ?, 'blob') ON CONFLICT DO NOTHING").bind(0, repo).bind(1, m.digest()).bind(2, blob).execute();
            }
            for (String child : m.children()) {
                h.createUpdate("INSERT INTO manifest_references (repository_id, manifest_digest, child_digest, kind) "
                        + "VALUES (?, ?, ?, 'manifest') ON CONFLICT DO NOTHING").bind(0, repo).bind(1, m.digest()).bind(2, child).execute();
            }
            List<String> changed = new ArrayList<>();
            for (String tag : tags) {
                int n = h.createUpdate("INSERT INTO tags (repository_id, name, manifest_digest, updated_at) VALUES (?, ?, ?, ?) "
                                + "ON CONFLICT (repository_id, name) DO UPDATE SET manifest_digest = excluded.manifest_digest, "
                                + "updated_at = excluded.updated_at WHERE tags.manifest_digest <> excluded.manifest_digest")
                        .bind(0, repo).bind(1, tag).bind(2, m.digest()).bind(3, now).execute();
                if (n > 0) changed.add(tag);
            }
            journal.accept(changed);
            return changed;
        });
    }

    public Optional<ManifestRow> manifest(String repository, String digest) {
        return jdbi.withHandle(h -> h.createQuery("SELECT m.media_type, m.content, m.artifact_type, m.subject_digest, m.annotations "
                        + "FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.name = ? AND m.digest = ?")
                .bind(0, repository).bind(1, digest)
                .map((rs, ctx) -> new ManifestRow(repository, digest, rs.getString(1), rs.getBytes(2), rs.getString(3),
                        rs.getString(4), rs.getString(5)))
                .findOne());
    }

    public Optional<String> resolveTag(String repository, String tag) {
        return jdbi.withHandle(h -> h.createQuery("SELECT t.manifest_digest FROM tags t JOIN repositories r ON r.id = t.repository_id "
                + "WHERE r.name = ? AND t.name = ?").bind(0, repository).bind(1, tag).mapTo(String.class).findOne());
    }

    /** Tags after {@code last} (exclusive) in byte ("ASCIIbetical") order, at most {@code limit}. */
    public List<String> listTags(String repository, String last, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id "
                        + "WHERE r.name = ? AND t.name > ? ORDER BY t.name LIMIT ?")
                .bind(0, repository).bind(1, last == null ? "" : last).bind(2, limit).mapTo(String.class).list());
    }

    public List<String> tagsOf(String repository, String digest) {
        return jdbi.withHandle(h -> h.createQuery("SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id "
                + "WHERE r.name = ? AND t.manifest_digest = ? ORDER BY t.name").bind(0, repository).bind(1, digest).mapTo(String.class).list());
    }

    public Optional<List<DeletedManifest>> deleteManifest(String repository, String digest, boolean withReferrers,
                                                          Consumer<List<DeletedManifest>> journal) {
        return inWrite(h -> {
            Optional<Long> repo = repositoryId(h, repository);
            if (repo.isEmpty()) return Optional.<List<DeletedManifest>>empty();
            return deleteWithReferrers(h, repo.get(), digest, withReferrers, journal);
        });
    }

    public List<String[]> orphanReferrers(long before) {
        return jdbi.withHandle(h -> h.createQuery("SELECT r.name, m.digest FROM manifests m JOIN repositories r ON r.id = m.repository_id "
                        + "WHERE m.subject_digest IS NOT NULL AND m.created_at < ? AND NOT EXISTS (SELECT 1 FROM manifests s "
                        + "WHERE s.repository_id = m.repository_id AND s.digest = m.subject_digest)")
                .bind(0, before).map((rs, ctx) -> new String[]{rs.getString(1), rs.getString(2)}).list());
    }

    public Optional<List<DeletedManifest>> deleteOrphanReferrer(String repository, String digest, Consumer<List<DeletedManifest>> journal) {
        return inWrite(h -> {
            Optional<Long> repo = repositoryId(h, repository);
            if (repo.isEmpty()) return Optional.<List<DeletedManifest>>empty();
            boolean orphan = h.createQuery("SELECT 1 FROM manifests m WHERE m.repository_id = ? AND m.digest = ? "
                            + "AND m.subject_digest IS NOT NULL AND NOT EXISTS (SELECT 1 FROM manifests s "
                            + "WHERE s.repository_id = m.repository_id AND s.digest = m.subject_digest)")
                    .bind(0, repo.get()).bind(1, digest).mapTo(Integer.class).findOne().isPresent();
            if (!orphan) return Optional.<List<DeletedManifest>>empty();
            return deleteWithReferrers(h, repo.get(), digest, true, journal);
        });
    }

    /** Inside a write transaction: the manifest, then (breadth first) the manifests whose subject is one deleted. */
    private static Optional<List<DeletedManifest>> deleteWithReferrers(Handle h, long repo, String digest, boolean withReferrers,
                                                                      Consumer<List<DeletedManifest>> journal) {
        List<DeletedManifest> deleted = new ArrayList<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(digest));
        java.util.Set<String> seen = new java.util.HashSet<>(todo);
        while (!todo.isEmpty()) {
            String d = todo.poll();
            List<String> tags = h.createQuery("SELECT name FROM tags WHERE repository_id = ? AND manifest_digest = ? ORDER BY name")
                    .bind(0, repo).bind(1, d).mapTo(String.class).list();
            int n = h.createUpdate("DELETE FROM manifests WHERE repository_id = ? AND digest = ?").bind(0, repo).bind(1, d).execute();
            if (n == 0) {
                if (deleted.isEmpty()) return Optional.empty();
                continue;
            }
            deleted.add(new DeletedManifest(d, tags));
            if (!withReferrers) break;
            for (String r : h.createQuery("SELECT digest FROM manifests WHERE repository_id = ? AND subject_digest = ? ORDER BY digest")
                    .bind(0, repo).bind(1, d).mapTo(String.class).list()) {
                if (seen.add(r)) todo.add(r);
            }
        }
        journal.accept(List.copyOf(deleted));
        return Optional.of(List.copyOf(deleted));
    }

    public boolean deleteTag(String repository, String tag, Runnable journal) {
        return inWrite(h -> journaled(h.createUpdate("DELETE FROM tags WHERE name = ? AND repository_id = "
                + "(SELECT id FROM repositories WHERE name = ?)").bind(0, tag).bind(1, repository).execute() > 0, journal));
    }

    public List<ReferrerRow> referrers(String repository, String subject, String artifactType) {
        return jdbi.withHandle(h -> h.createQuery("SELECT m.digest, m.media_type, m.size, m.artifact_type, m.annotations "
                        + "FROM manifests m JOIN repositories r ON r.id = m.repository_id "
                        + "WHERE r.name = :repo AND m.subject_digest = :subject "
                        + "AND (:type IS NULL OR m.artifact_type = :type) ORDER BY m.created_at, m.digest")
                .bind("repo", repository).bind("subject", subject).bind("type", artifactType)
                .map((rs, ctx) -> new ReferrerRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5)))
                .list());
    }

    // ---- uploads ----

    public void createUpload(String id, String repository, String algorithm, String storeState) {
        long now = now();
        useWrite(h -> h.createUpdate("INSERT INTO uploads (id, repository, algorithm, committed_offset, created_at, updated_at, store_state) "
                + "VALUES (?, ?, ?, 0, ?, ?, ?)").bind(0, id).bind(1, repository).bind(2, algorithm).bind(3, now).bind(4, now)
                .bind(5, storeState).execute());
    }

    public Optional<UploadRow> upload(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, repository, algorithm, committed_offset, created_at, updated_at, "
                        + "hash_state, store_state FROM uploads WHERE id = ?")
                .bind(0, id).map((rs, ctx) -> new UploadRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getString(8))).findOne());
    }

    public boolean updateUpload(String id, long expectedOffset, long offset, String hashState, String storeState) {
        long now = now();
        return inWrite(h -> h.createUpdate("UPDATE uploads SET committed_offset = ?, updated_at = ?, hash_state = ?, store_state = ? "
                        + "WHERE id = ? AND committed_offset = ?")
                .bind(0, offset).bind(1, now).bind(2, hashState).bind(3, storeState).bind(4, id).bind(5, expectedOffset).execute() > 0);
    }

    public boolean deleteUpload(String id) {
        return inWrite(h -> h.createUpdate("DELETE FROM uploads WHERE id = ?").bind(0, id).execute() > 0);
    }

    public List<String> uploadsIdleSince(long before) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM uploads WHERE updated_at < ?").bind(0, before).mapTo(String.class).list());
    }

    public List<String> allUploadIds() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM uploads").mapTo(String.class).list());
    }

    // ---- garbage collection ----

    /** Blobs no manifest references whose protection ended before {@code before}. */
    public List<String> unreferencedBlobs(long before) {
        return jdbi.withHandle(h -> h.createQuery("SELECT b.digest FROM blobs b WHERE b.touched_at < ? AND NOT EXISTS "
                + "(SELECT 1 FROM manifest_references mr WHERE mr.child_digest = b.digest AND mr.kind = 'blob')")
                .bind(0, before).mapTo(String.class).list());
    }

    /** Deletes a blob's row and links if, inside this transaction, it is still unreferenced and unprotected. */
    public boolean deleteBlobIfUnreferenced(String digest, long before) {
        return inWrite(h -> {
            lockForDelete(h, "SELECT 1 FROM blobs WHERE digest = ?", digest);
            return h.createUpdate("DELETE FROM blobs WHERE digest = ? AND touched_at < ? AND NOT EXISTS "
                        + "(SELECT 1 FROM manifest_references mr WHERE mr.child_digest = blobs.digest AND mr.kind = 'blob')")
                .bind(0, digest).bind(1, before).execute() > 0;
        });
    }

    public boolean blobRecorded(String digest) {
        return blobSize(digest).isPresent();
    }

    /**
     * Untagged manifests older than {@code before} that nothing needs: not a child of another manifest in the same
     * repository, and not a referrer of a manifest that still exists (signatures and reports are untagged by nature;
     * they go once their subject is gone).
     */
    public List<String[]> untaggedManifests(long before) {
        return jdbi.withHandle(h -> h.createQuery("SELECT r.name, m.digest FROM manifests m JOIN repositories r ON r.id = m.repository_id "
                        + "WHERE m.created_at < ? AND (m.subject_digest IS NULL OR NOT EXISTS (SELECT 1 FROM manifests s "
                        + "WHERE s.repository_id = m.repository_id AND s.digest = m.subject_digest)) "
                        + "AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository_id = m.repository_id AND t.manifest_digest = m.digest) "
                        + "AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.repository_id = m.repository_id "
                        + "AND mr.child_digest = m.digest AND mr.kind = 'manifest')")
                .bind(0, before).map((rs, ctx) -> new String[]{rs.getString(1), rs.getString(2)}).list());
    }

    /** Deletes a manifest only if, inside this transaction, it is still untagged and unreferenced. */
    public boolean deleteManifestIfUntagged(String repository, String digest, Runnable journal) {
        return inWrite(h -> {
            lockForDelete(h, "SELECT 1 FROM manifests WHERE digest = ? AND repository_id = (SELECT id FROM repositories WHERE name = ?)",
                    digest, repository);
            return journaled(h.createUpdate("DELETE FROM manifests WHERE digest = :d AND repository_id = "
                        + "(SELECT id FROM repositories WHERE name = :r) "
                        + "AND (subject_digest IS NULL OR NOT EXISTS (SELECT 1 FROM manifests s WHERE s.repository_id = "
                        + "manifests.repository_id AND s.digest = manifests.subject_digest)) "
                        + "AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository_id = manifests.repository_id AND t.manifest_digest = :d) "
                        + "AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.repository_id = manifests.repository_id "
                        + "AND mr.child_digest = :d AND mr.kind = 'manifest')")
                .bind("d", digest).bind("r", repository).execute() > 0, journal);
        });
    }

}
