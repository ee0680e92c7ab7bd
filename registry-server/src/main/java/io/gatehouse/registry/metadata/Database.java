package io.gatehouse.registry.metadata;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The registry's metadata database, migrated, behind a HikariCP pool: a SQLite file (the embedded default) or a
 * PostgreSQL database shared by replicas ({@link Dialect}).
 * <p>
 * SQLite: WAL mode (readers never wait for the writer), foreign keys on, every transaction BEGIN IMMEDIATE (a
 * transaction that reads then writes cannot fail half-way with SQLITE_BUSY, which is what makes "check the blobs, then
 * record the manifest" atomic against GC). PostgreSQL: READ COMMITTED, with row locks where a check must hold until
 * commit ({@link PostgresMetadataStore}).
 * <p>
 * Migrations come from {@link Dialect#migrationFolders()} (registry V1–V19; other capabilities own other version
 * ranges; the same version number means the same change in both dialects).
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** A SQLite database in {@code file} (created with its folder when missing). */
    public static Database open(Path file, int poolSize) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL in WAL mode: a process crash (kill -9) loses no committed transaction; only a power loss may.
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(30_000);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource raw = new SQLiteDataSource(sqlite);
        raw.setUrl("jdbc:sqlite:" + file.toAbsolutePath());

        HikariConfig hc = new HikariConfig();
        hc.setDataSource(raw);
        hc.setPoolName("gatehouse-db");
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(30_000);
        return migrated(new HikariDataSource(hc), Dialect.SQLITE);
    }

    /**
     * A PostgreSQL database ({@code jdbc:postgresql://host:port/name}); the schema is created or brought up to date.
     * The password is handed to the driver only: it is in no message this throws (the driver's do not quote it).
     *
     * @param user     null: the URL's or the driver's default
     * @param password null: none (trust or peer authentication, or a .pgpass file)
     * @throws IllegalStateException the database cannot be reached or refuses the login (one line)
     */
    public static Database openPostgres(String url, String user, String password, int poolSize) {
        HikariConfig hc = new HikariConfig();
        hc.setDriverClassName("org.postgresql.Driver");
        hc.setJdbcUrl(url);
        if (user != null && !user.isBlank()) hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setPoolName("gatehouse-db");
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(30_000);
        hc.addDataSourceProperty("ApplicationName", "gatehouse");
        // batched INSERTs (scan findings, migrate) as one multi-row statement
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource ds;
        try {
            // one plain connection first: a refused login is then an exception to report in one line, where Hikari's
            // failed start would also log an error with a stack trace (on the stderr of every CLI command)
            java.util.Properties props = new java.util.Properties();
            if (user != null && !user.isBlank()) props.setProperty("user", user);
            if (password != null) props.setProperty("password", password);
            try (java.sql.Connection probe = new org.postgresql.Driver().connect(url, props)) {
                if (probe == null) throw new IllegalArgumentException("storage.database: not a PostgreSQL JDBC URL");
            }
            ds = new HikariDataSource(hc);
        } catch (java.sql.SQLException | RuntimeException e) {
            throw new IllegalStateException("cannot connect to the database " + Dialect.redacted(url) + ": " + rootMessage(e), e);
        }
        return migrated(ds, Dialect.POSTGRESQL);
    }

    private static Database migrated(HikariDataSource ds, Dialect dialect) {
        try {
            Migrations.migrate(ds, dialect.migrationFolders());
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, dialect);
    }

    /** The driver's words (the first SQLException of the chain: "FATAL: password authentication failed…"), one line. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (!(t instanceof java.sql.SQLException) && t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The content metadata store for this database's dialect. */
    public MetadataStore metadataStore(Clock clock) {
        return dialect == Dialect.POSTGRESQL ? new PostgresMetadataStore(jdbi, clock) : new SqliteMetadataStore(jdbi, clock);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
