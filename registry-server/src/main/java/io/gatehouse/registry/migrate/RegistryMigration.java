package io.gatehouse.registry.migrate;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.metadata.Database;
import io.gatehouse.registry.metadata.Dialect;
import io.gatehouse.registry.storage.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Moves a single-node registry into another deployment, so that nobody pushes again: its blobs from one
 * {@link BlobStore} to another, then its metadata from one database to another (SQLite → PostgreSQL), both
 * resumable and verified.
 * <ul>
 *   <li>Blobs first (every blob the source database records), so that an interrupted run never leaves target
 *   metadata that points at a missing blob. Each is streamed through the target's upload area, hashed on the way and
 *   committed under its digest only when the hash matches; a blob the target already has at the right size is skipped
 *   (the target committed it after the same check).</li>
 *   <li>Then every table, parents before children, rows inserted with {@code ON CONFLICT DO NOTHING}: a second run
 *   skips what the first copied. Generated ids are copied as they are (grants, audit and scan rows refer to names,
 *   but manifests refer to repository ids) and PostgreSQL's identity sequences moved past them. Upload sessions are
 *   not copied: their bytes are in the source's upload folder; clients start those pushes again. Every manifest is
 *   checked against its digest in the target afterwards.</li>
 * </ul>
 * The target must not be serving while this runs, and should be new (a target that already has rows of its own
 * keeps them: for example a bootstrap admin created by a first {@code serve}).
 */
public final class RegistryMigration {

    /** Tables in copy order (foreign keys point backwards in this list); tables not listed are copied after them. */
    static final List<String> TABLES = List.of(
            "repositories", "blobs", "repository_blobs", "manifests", "manifest_references", "tags",
            "auth_users", "auth_service_accounts", "auth_orgs", "auth_org_owners", "auth_teams", "auth_team_members",
            "auth_grants", "auth_repo_settings", "auth_curators", "audit_events",
            "trusted_keys", "repository_gates", "policies", "auto_promotions",
            "scan_repository_settings", "scan_job", "scan_report", "scan_finding",
            "mirror_runs", "signing_keys");

    /** Not copied: Flyway's own history (each database has its own), upload sessions (see above), replicas' read leases. */
    static final Set<String> SKIPPED = Set.of("flyway_schema_history", "uploads", "cache_lease");

    /** Tables without a key to detect rows already copied: replaced as a whole, in one transaction. */
    static final Set<String> REPLACED = Set.of("scan_finding");

    /** Tables whose ids PostgreSQL generates (identity columns). */
    static final Set<String> IDENTITY = Set.of("repositories", "audit_events", "mirror_runs");

    private static final int BATCH = 500;

    /** What a run did. */
    public record Report(int blobsCopied, int blobsPresent, long bytesCopied, Map<String, Integer> rowsCopied,
                         int manifestsVerified) {
        public int rowsTotal() {
            return rowsCopied.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** A problem that stops the run, in one line. */
    public static final class MigrationException extends RuntimeException {
        public MigrationException(String message, Throwable cause) {
            super(message, cause);
        }

        public MigrationException(String message) {
            super(message);
        }
    }

    private final Database source;
    private final BlobStore sourceBlobs;
    private final Database target;
    private final BlobStore targetBlobs;
    private final Consumer<String> progress;

    /** @param progress told one line per step (blobs done, each table) */
    public RegistryMigration(Database source, BlobStore sourceBlobs, Database target, BlobStore targetBlobs, Consumer<String> progress) {
        this.source = source;
        this.sourceBlobs = sourceBlobs;
        this.target = target;
        this.targetBlobs = targetBlobs;
        this.progress = progress;
    }

    public Report run() {
        BlobsDone blobs = copyBlobs();
        Map<String, Integer> rows = copyTables();
        int verified = verifyManifests();
        return new Report(blobs.copied(), blobs.present(), blobs.bytes(), rows, verified);
    }

    private record BlobsDone(int copied, int present, long bytes) {
    }

    // ---------------------------------------------------------------- blobs

    private BlobsDone copyBlobs() {
        List<String[]> all = source.jdbi().withHandle(h -> h.createQuery("SELECT digest, size FROM blobs ORDER BY digest")
                .map((rs, ctx) -> new String[]{rs.getString(1), Long.toString(rs.getLong(2))}).list());
        int copied = 0, present = 0;
        long bytes = 0;
        for (String[] row : all) {
            Digest digest = Digest.parse(row[0]);
            long size = Long.parseLong(row[1]);
            if (stat(targetBlobs, digest).orElse(-1) == size) {
                present++;
                continue;
            }
            if (stat(sourceBlobs, digest).isEmpty()) {
                throw new MigrationException("blob " + digest + " is recorded in the source database but missing from its storage");
            }
            copyBlob(digest, size);
            copied++;
            bytes += size;
            if (copied % 100 == 0) progress.accept("blobs: " + copied + " copied so far");
        }
        progress.accept("blobs: " + copied + " copied (" + bytes + " bytes), " + present + " already there");
        return new BlobsDone(copied, present, bytes);
    }

    private static java.util.OptionalLong stat(BlobStore store, Digest digest) {
        try {
            return store.stat(digest);
        } catch (IOException e) {
            throw new MigrationException("cannot read blob " + digest + ": " + e.getMessage(), e);
        }
    }

    private void copyBlob(Digest digest, long size) {
        String upload = "migrate-" + UUID.randomUUID();
        try {
            io.gatehouse.registry.storage.UploadCursor at = targetBlobs.createUpload(upload);
            io.gatehouse.registry.storage.RunningDigest hasher = io.gatehouse.registry.storage.RunningDigest.fast(digest.algorithm());
            try (SeekableByteChannel ch = sourceBlobs.open(digest); InputStream in = Channels.newInputStream(ch)) {
                at = targetBlobs.append(at, in, -1, hasher);
            }
            long n = at.length();
            Digest actual = Digest.fromBytes(digest.algorithm(), hasher.digest());
            if (!actual.equals(digest) || n != size) {
                targetBlobs.deleteUpload(upload);
                throw new MigrationException("blob " + digest + " in the source storage does not match its digest (read "
                        + n + " bytes hashing to " + actual + "): the source is damaged; nothing was written for it");
            }
            targetBlobs.commit(at, digest);
        } catch (IOException e) {
            try {
                targetBlobs.deleteUpload(upload);
            } catch (IOException | RuntimeException ignored) {
                // the upload area goes with the target's next upload expiry
            }
            throw new MigrationException("cannot copy blob " + digest + ": " + e, e);
        }
    }

    // ---------------------------------------------------------------- metadata

    private Map<String, Integer> copyTables() {
        List<String> order = new ArrayList<>();
        List<String> present = sourceTables();
        for (String t : TABLES) if (present.contains(t)) order.add(t);
        for (String t : present) if (!order.contains(t) && !SKIPPED.contains(t)) order.add(t);
        Map<String, Integer> copied = new LinkedHashMap<>();
        try (Connection from = source.dataSource().getConnection(); Connection to = target.dataSource().getConnection()) {
            for (String table : order) {
                int n = copyTable(from, to, table);
                copied.put(table, n);
                progress.accept("table " + table + ": " + n + " rows copied");
            }
        } catch (SQLException e) {
            throw new MigrationException("cannot copy the metadata: " + firstLine(e.getMessage()), e);
        }
        return copied;
    }

    private List<String> sourceTables() {
        String sql = source.dialect() == Dialect.SQLITE
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";
        return source.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private int copyTable(Connection from, Connection to, String table) throws SQLException {
        boolean replace = REPLACED.contains(table);
        to.setAutoCommit(false);
        try (Statement read = from.createStatement()) {
            read.setFetchSize(BATCH);
            if (replace) {
                try (Statement clear = to.createStatement()) {
                    clear.executeUpdate("DELETE FROM " + table);
                }
            }
            long before = replace ? 0 : count(to, table);
            try (ResultSet rs = read.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData md = rs.getMetaData();
                int columns = md.getColumnCount();
                StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (");
                for (int i = 1; i <= columns; i++) sql.append(i > 1 ? ", " : "").append(md.getColumnName(i));
                sql.append(") VALUES (").append("?, ".repeat(columns - 1)).append("?)");
                if (!replace) sql.append(" ON CONFLICT DO NOTHING");
                try (PreparedStatement insert = to.prepareStatement(sql.toString())) {
                    int pending = 0;
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            Object v = rs.getObject(i);
                            if (v == null) insert.setNull(i, Types.NULL);
                            else insert.setObject(i, v);
                        }
                        insert.addBatch();
                        if (++pending == BATCH) {
                            insert.executeBatch();
                            if (!replace) to.commit(); // a batch at a time: an interrupted run resumes from here
                            pending = 0;
                        }
                    }
                    if (pending > 0) insert.executeBatch();
                }
            }
            if (IDENTITY.contains(table) && target.dialect() == Dialect.POSTGRESQL) {
                try (Statement seq = to.createStatement()) {
                    seq.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), "
                            + "GREATEST((SELECT COALESCE(MAX(id), 0) FROM " + table + "), 1))");
                }
            }
            long copied = count(to, table) - before;
            to.commit();
            return (int) copied;
        } catch (SQLException | RuntimeException e) {
            to.rollback();
            throw e;
        } finally {
            to.setAutoCommit(true);
        }
    }

    /** Rows in a target table (batch update counts do not tell inserted from skipped rows once rewritten). */
    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every manifest in the target hashes to its digest: the bytes survived the copy exactly. */
    private int verifyManifests() {
        int[] n = {0};
        target.jdbi().useHandle(h -> h.createQuery("SELECT digest, content FROM manifests").setFetchSize(100)
                .map((rs, ctx) -> new Object[]{rs.getString(1), rs.getBytes(2)})
                .useStream(rows -> rows.forEach(r -> {
                    Digest d = Digest.parse((String) r[0]);
                    if (!Digest.of(d.algorithm(), (byte[]) r[1]).equals(d)) {
                        throw new MigrationException("manifest " + d + " does not match its digest in the target database");
                    }
                    n[0]++;
                })));
        progress.accept("manifests: " + n[0] + " verified against their digests");
        return n[0];
    }

    private static String firstLine(String m) {
        if (m == null) return "";
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
