package io.gatehouse.registry.metadata;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * The two databases the registry's metadata lives in, and what differs between them. The SQL of the stores is written
 * once, in the part both understand ({@code ON CONFLICT … DO UPDATE}, {@code COALESCE}, {@code ||}, no
 * {@code INSERT OR …}, no {@code LIKE}, whose case sensitivity differs); only the schema scripts (types), row locks
 * and connection settings (WAL, busy timeout, data_version polling are SQLite's) differ, and they are decided here.
 */
public enum Dialect {
    /** One file, one process: the embedded default. */
    SQLITE("sqlite"),
    /** Shared by any number of replicas. */
    POSTGRESQL("postgresql");

    /** Scripts that run on both; versions are unique across this folder and each dialect's own. */
    public static final String COMMON_MIGRATIONS = "db/migration/common";

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /** The dialect of a {@code storage.database} value: a {@code jdbc:postgresql:} URL, else a SQLite file. */
    public static Dialect of(String database) {
        return database != null && database.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:") ? POSTGRESQL : SQLITE;
    }

    /** Classpath folders of this dialect's Flyway history: the common scripts and its own. */
    public List<String> migrationFolders() {
        return List.of(COMMON_MIGRATIONS, "db/migration/" + folder);
    }

    /**
     * Appended to a SELECT that must hold its rows until the transaction ends. Empty on SQLite, where every write
     * transaction is BEGIN IMMEDIATE (the database is locked for writers from its first statement anyway).
     */
    public String forShare() {
        return this == POSTGRESQL ? " FOR SHARE" : "";
    }

    public String forUpdate() {
        return this == POSTGRESQL ? " FOR UPDATE" : "";
    }

    /** The URL without its parameters (which may name a user or, against advice, a password), for messages and logs. */
    public static String redacted(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    /** Whether {@code e} (or a cause) is a unique or primary-key violation, in either database's words. */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) return true; // PostgreSQL unique_violation
            String m = String.valueOf(t.getMessage());
            if (m.contains("UNIQUE constraint failed") || m.contains("PRIMARY KEY constraint failed")) return true; // SQLite
        }
        return false;
    }
}
