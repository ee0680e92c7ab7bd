package io.gatehouse.registry.scan.vulndb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.report.Severity;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local vulnerability database: one SQLite file (JDBI + Flyway, migrations in {@code db/vulndb}), filled by
 * {@link AdvisoryImporter}s and read by the matcher. Each import runs in one transaction: it lands whole or not at
 * all, and only a landed import changes {@link #version()} — the "database version" every report records and
 * that triggers rescans.
 */
public final class VulnDb implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VulnDb.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Advisory.Range>> RANGES = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final Path file;
    /**
     * Kept open to ask SQLite's {@code PRAGMA data_version}, which changes when another connection (another
     * process: {@code gatehouse vulndb import} into a running registry's file) commits. A pragma on an open
     * connection costs microseconds, so {@link #version()} is current on every call without re-reading the table.
     */
    private final Connection watch;
    private long seenDataVersion = Long.MIN_VALUE;
    private State state;

    /** What {@link #version()} and {@link #hasData()} answer, read together. */
    private record State(String version, boolean hasData) {
    }

    /** What the matcher needs of one affected row, joined with its advisory. */
    public record Candidate(Advisory advisory, Advisory.AffectedPackage affected) {
    }

    /** Outcome of one import. */
    public record ImportResult(String format, String origin, int advisories, int nvdEntries, String version) {
    }

    private VulnDb(Path file, Jdbi jdbi, Connection watch) {
        this.file = file;
        this.jdbi = jdbi;
        this.watch = watch;
    }

    /** Opens the database for writing, creating the file and its schema when they do not exist (registry, import). */
    public static VulnDb open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(30_000);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        io.gatehouse.registry.metadata.Migrations.migrate(ds, "db/vulndb");
        Jdbi jdbi = Jdbi.create(ds);
        jdbi.useHandle(h -> h.execute("INSERT OR IGNORE INTO db_meta(key, value) VALUES ('instance', ?)",
                UUID.randomUUID().toString().substring(0, 8)));
        return watched(file, jdbi, ds);
    }

    /**
     * Opens an existing database for reading only ({@code vulndb info}, {@code scan}): looking must never create an
     * empty database that a later scan would take for "no vulnerabilities".
     *
     * @throws NoSuchFileException the file does not exist
     * @throws IOException         the file is not a Gatehouse vulnerability database
     */
    public static VulnDb openReadOnly(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no vulnerability database");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(30_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Jdbi jdbi = Jdbi.create(ds);
        try {
            if (!jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                    + "name IN ('db_meta', 'vulnerability')").mapTo(Integer.class).one() == 2)) {
                throw new IOException(file + " is not a Gatehouse vulnerability database");
            }
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a Gatehouse vulnerability database (" + rootMessage(e) + ")", e);
        }
        return watched(file, jdbi, ds);
    }

    private static VulnDb watched(Path file, Jdbi jdbi, SQLiteDataSource ds) throws IOException {
        try {
            VulnDb db = new VulnDb(file, jdbi, ds.getConnection());
            db.current();
            return db;
        } catch (SQLException | RuntimeException e) {
            throw new IOException("cannot open vulnerability database " + file + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    public Path file() {
        return file;
    }

    /**
     * {@code <instance>-<build>}: the instance id is random per database file, so a recreated database never
     * reuses the version of an older one with different contents. Build 0 is an empty database. Always the
     * version on disk, also after an import by another process.
     */
    public String version() {
        return current().version();
    }

    /**
     * Whether any advisory was ever imported. A scan against a database without data would report "no
     * vulnerabilities" about data it never had; callers refuse instead.
     */
    public boolean hasData() {
        return current().hasData();
    }

    private synchronized State current() {
        long dataVersion;
        try (var st = watch.createStatement(); var rs = st.executeQuery("PRAGMA data_version")) {
            rs.next();
            dataVersion = rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("the vulnerability database cannot be read: " + e.getMessage(), e);
        }
        if (state == null || dataVersion != seenDataVersion) {
            // read after the pragma: a commit in between is seen now, and again (harmlessly) on the next call
            state = readState();
            seenDataVersion = dataVersion;
        }
        return state;
    }

    private State readState() {
        return jdbi.withHandle(h -> {
            Map<String, String> meta = new HashMap<>();
            h.createQuery("SELECT key, value FROM db_meta").map((rs, c) -> Map.entry(rs.getString(1),
                    rs.getString(2))).forEach(e -> meta.put(e.getKey(), e.getValue()));
            boolean data = h.createQuery("SELECT EXISTS (SELECT 1 FROM vulnerability)").mapTo(Boolean.class).one();
            return new State(meta.get("instance") + "-" + meta.getOrDefault("build", "0"), data);
        });
    }

    /** Imports {@code path} with {@code importer} in one transaction. */
    public ImportResult importFrom(AdvisoryImporter importer, Path path) throws IOException {
        AtomicInteger advisories = new AtomicInteger();
        AtomicInteger nvd = new AtomicInteger();
        try {
            jdbi.useTransaction(h -> {
                Writer w = new Writer(h, advisories, nvd);
                try {
                    importer.importFrom(path, w);
                } catch (IOException e) {
                    throw new ImportFailure(e);
                } finally {
                    w.close();
                }
                int build = h.createQuery("SELECT CAST(value AS INTEGER) FROM db_meta WHERE key = 'build'")
                        .mapTo(Integer.class).findOne().orElse(0) + 1;
                h.execute("INSERT OR REPLACE INTO db_meta(key, value) VALUES ('build', ?)", String.valueOf(build));
                h.execute("INSERT OR REPLACE INTO db_meta(key, value) VALUES ('updated_at', ?)",
                        Instant.now().toString());
                h.execute("INSERT INTO import_log(format, origin, advisories, nvd_entries, build, finished_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?)", importer.format(), path.toString(), advisories.get(),
                        nvd.get(), build, Instant.now().toString());
            });
        } catch (ImportFailure f) {
            IOException cause = (IOException) f.getCause();
            if (cause instanceof VulnDbImportException v) {
                throw v;
            }
            throw failure(importer, path, cause);
        } catch (RuntimeException | SQLException e) {
            throw failure(importer, path, e);
        }
        String version = version();
        LOG.info("vulnerability database: imported {} ({}): {} advisories, {} NVD entries; version {}", path,
                importer.format(), advisories.get(), nvd.get(), version);
        return new ImportResult(importer.format(), path.toString(), advisories.get(), nvd.get(), version);
    }

    /** The reason an import failed, never quoting the file: a JSON error by its position only. */
    private static VulnDbImportException failure(AdvisoryImporter importer, Path path, Throwable e) {
        String what = importer.format() + " import of " + path + " failed";
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof JsonProcessingException j) {
                return VulnDbImportException.unparsable(what + ": not valid JSON", j);
            }
        }
        return new VulnDbImportException(what + ": " + e.getMessage(), e);
    }

    /** Carries an importer's checked exception through JDBI's transaction callback. */
    private static final class ImportFailure extends RuntimeException {
        ImportFailure(IOException cause) {
            super(cause);
        }
    }

    /**
     * Writes through plain prepared statements, prepared once per import: a feed has hundreds of thousands of
     * rows, and per-statement overhead dominated import time.
     */
    private static final class Writer implements AdvisorySink {
        private final AtomicInteger advisories;
        private final AtomicInteger nvd;
        private final PreparedStatement deleteAll;
        private final PreparedStatement deletePackage;
        private final PreparedStatement upsertVuln;
        private final PreparedStatement insertAffected;
        private final PreparedStatement upsertNvd;

        Writer(Handle h, AtomicInteger advisories, AtomicInteger nvd) throws SQLException {
            this.advisories = advisories;
            this.nvd = nvd;
            Connection c = h.getConnection();
            deleteAll = c.prepareStatement("DELETE FROM affected WHERE source = ? AND vuln_id = ?");
            deletePackage = c.prepareStatement(
                    "DELETE FROM affected WHERE source = ? AND vuln_id = ? AND ecosystem = ? AND package = ?");
            upsertVuln = c.prepareStatement("INSERT INTO vulnerability(source, id, aliases, title, description, "
                    + "severity, severity_source, cvss_score, cvss_vector, published, modified) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT(source, id) DO UPDATE SET aliases = excluded.aliases, "
                    + "title = coalesce(excluded.title, title), "
                    + "description = coalesce(excluded.description, description), "
                    + "severity = coalesce(excluded.severity, severity), "
                    + "severity_source = coalesce(excluded.severity_source, severity_source), "
                    + "cvss_score = coalesce(excluded.cvss_score, cvss_score), "
                    + "cvss_vector = coalesce(excluded.cvss_vector, cvss_vector), "
                    + "published = coalesce(excluded.published, published), "
                    + "modified = coalesce(excluded.modified, modified)");
            insertAffected = c.prepareStatement("INSERT INTO affected(source, vuln_id, ecosystem, package, ranges, "
                    + "versions, severity, severity_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            upsertNvd = c.prepareStatement("INSERT OR REPLACE INTO nvd(cve_id, description, v3_score, v3_vector, "
                    + "v4_score, v4_vector, published, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        }

        private static void set(PreparedStatement st, Object... values) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 1, values[i]);
            }
        }

        @Override
        public void advisory(Advisory a) {
            try {
                set(deleteAll, a.source(), a.id());
                deleteAll.executeUpdate();
                upsert(a);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public void advisoryPerPackage(Advisory a) {
            try {
                for (Advisory.AffectedPackage p : a.affected()) {
                    set(deletePackage, a.source(), a.id(), p.ecosystem(), p.name());
                    deletePackage.executeUpdate();
                }
                upsert(a);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        private void upsert(Advisory a) throws SQLException {
            set(upsertVuln, a.source(), a.id(), json(a.aliases()), a.title(), a.description(),
                    a.severity() == null ? null : a.severity().name(), a.severitySource(), a.cvssScore(),
                    a.cvssVector(), a.published(), a.modified());
            upsertVuln.executeUpdate();
            for (Advisory.AffectedPackage p : a.affected()) {
                set(insertAffected, a.source(), a.id(), p.ecosystem(), p.name(), json(p.ranges()),
                        json(p.versions()), p.severity() == null ? null : p.severity().name(), p.severitySource());
                insertAffected.executeUpdate();
            }
            advisories.incrementAndGet();
        }

        @Override
        public void nvd(NvdEntry e) {
            try {
                set(upsertNvd, e.cveId(), e.description(), e.v3Score(), e.v3Vector(), e.v4Score(), e.v4Vector(),
                        e.published(), e.modified());
                upsertNvd.executeUpdate();
                nvd.incrementAndGet();
            } catch (SQLException ex) {
                throw new IllegalStateException(ex.getMessage(), ex);
            }
        }

        void close() throws SQLException {
            for (PreparedStatement st : List.of(deleteAll, deletePackage, upsertVuln, insertAffected, upsertNvd)) {
                st.close();
            }
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every affected row for these package names in one ecosystem, with its advisory: one indexed query per
     * 500 names, so matching an image of a thousand packages costs a few queries.
     */
    public Map<String, List<Candidate>> candidates(String ecosystem, Collection<String> names) {
        Map<String, List<Candidate>> out = new HashMap<>();
        List<String> all = new ArrayList<>(new java.util.LinkedHashSet<>(names));
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            jdbi.useHandle(h -> h.createQuery("SELECT a.ecosystem, a.package, a.ranges, a.versions, a.severity, "
                            + "a.severity_source, v.source, v.id, v.aliases, v.title, v.description, v.severity, "
                            + "v.severity_source, v.cvss_score, v.cvss_vector, v.published, v.modified "
                            + "FROM affected a JOIN vulnerability v ON v.source = a.source AND v.id = a.vuln_id "
                            + "WHERE a.ecosystem = :eco AND a.package IN (<names>)")
                    .bind("eco", ecosystem).bindList("names", chunk)
                    .map((rs, ctx) -> {
                        Advisory.AffectedPackage ap = new Advisory.AffectedPackage(rs.getString(1), rs.getString(2),
                                read(rs.getString(3), RANGES), read(rs.getString(4), STRINGS),
                                sev(rs.getString(5)), rs.getString(6));
                        Double score = rs.getObject(14) == null ? null : rs.getDouble(14);
                        Advisory adv = new Advisory(rs.getString(7), rs.getString(8), read(rs.getString(9), STRINGS),
                                rs.getString(10), rs.getString(11), sev(rs.getString(12)), rs.getString(13), score,
                                rs.getString(15), rs.getString(16), rs.getString(17), List.of());
                        return new Candidate(adv, ap);
                    })
                    .forEach(c -> out.computeIfAbsent(c.affected().name(), k -> new ArrayList<>()).add(c)));
        }
        return out;
    }

    /** Whether any advisory names this ecosystem: without one, an image of it cannot be judged (indexed). */
    public boolean hasEcosystem(String ecosystem) {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1 FROM affected WHERE ecosystem = ? LIMIT 1")
                .bind(0, ecosystem).mapTo(Integer.class).findOne().isPresent());
    }

    /**
     * A consistent copy of the whole database in one file (SQLite's VACUUM INTO), taken while the database is in
     * use: for backups, and to ship a database built on one machine to registries without network access.
     */
    public void copyTo(Path target) throws IOException {
        if (Files.exists(target)) {
            throw new IOException(target + " already exists");
        }
        jdbi.useHandle(h -> h.execute("VACUUM INTO ?", target.toAbsolutePath().toString()));
    }

    public Optional<NvdEntry> nvd(String cveId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT cve_id, description, v3_score, v3_vector, v4_score, "
                        + "v4_vector, published, modified FROM nvd WHERE cve_id = ?").bind(0, cveId)
                .map((rs, c) -> new NvdEntry(rs.getString(1), rs.getString(2),
                        rs.getObject(3) == null ? null : rs.getDouble(3), rs.getString(4),
                        rs.getObject(5) == null ? null : rs.getDouble(5), rs.getString(6), rs.getString(7),
                        rs.getString(8)))
                .findOne());
    }

    /** The last import, newest first: format, origin, advisories, finished at; empty before any import. */
    public record LastImport(String format, String origin, int advisories, String finishedAt) {
    }

    public Optional<LastImport> lastImport() {
        return jdbi.withHandle(h -> h.createQuery("SELECT format, origin, advisories, finished_at FROM import_log ORDER BY rowid DESC LIMIT 1")
                .map((rs, c) -> new LastImport(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4))).findOne());
    }

    /** Counts for the admin API and tests: advisories, affected rows, NVD entries. */
    public Map<String, Long> stats() {
        return jdbi.withHandle(h -> Map.of(
                "advisories", h.createQuery("SELECT count(*) FROM vulnerability").mapTo(Long.class).one(),
                "affected", h.createQuery("SELECT count(*) FROM affected").mapTo(Long.class).one(),
                "nvd", h.createQuery("SELECT count(*) FROM nvd").mapTo(Long.class).one()));
    }

    /** Closes the connection that watches for imports; use the database no more after this. */
    @Override
    public synchronized void close() {
        try {
            watch.close();
        } catch (SQLException e) {
            LOG.debug("closing {}: {}", file, e.getMessage());
        }
    }

    private static Severity sev(String s) {
        return s == null ? null : Severity.valueOf(s);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt row in the vulnerability database: " + e.getMessage(), e);
        }
    }
}
