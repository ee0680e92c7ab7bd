package io.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests: {@code initdb} and {@code pg_ctl} of Debian's PostgreSQL 15 in a temporary
 * folder, listening on a free loopback port (and a Unix socket in that folder, nowhere else), run as the
 * {@code postgres} user when the tests run as root (PostgreSQL refuses to run as root), removed when closed.
 * <p>
 * One cluster per JVM ({@link #shared()}, stopped by a shutdown hook): starting one costs a few seconds, a database
 * in it ({@link #createDatabase()}, {@code CREATE DATABASE} from the template) a fraction of one, so each test takes a
 * fresh database. TCP logins need the superuser's password ({@link #password()}, scram-sha-256): the registry's
 * password settings are exercised, not bypassed with trust. Durability is off (fsync, full-page writes): a test
 * cluster never outlives a crash.
 */
public final class PostgresCluster implements AutoCloseable {
    public static final String USER = "postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresCluster shared;

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final String password;
    private final boolean asPostgresUser;
    private volatile boolean closed;

    private PostgresCluster(Path bin, Path dir, int port, String password, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.password = password;
        this.asPostgresUser = asPostgresUser;
    }

    /** The JVM's cluster, started on first use (fails under CI, skips elsewhere, when PostgreSQL is not installed). */
    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            PostgresCluster c = start();
            Runtime.getRuntime().addShutdownHook(new Thread(c::close, "postgres-test-cluster-stop"));
            shared = c;
        }
        return shared;
    }

    /** A new cluster of its own (close it). */
    public static PostgresCluster start() {
        Path bin = ExternalTools.requirePostgresBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        try {
            Path dir = Files.createTempDirectory("gatehouse-pg-");
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
            if (root) {
                UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
                Files.setOwner(dir, postgres);
                Files.setOwner(pwfile, postgres);
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
            PostgresCluster c = null;
            for (int attempt = 1; ; attempt++) {
                c = new PostgresCluster(bin, dir, FreePort.pick(), password, root);
                try {
                    if (attempt == 1) {
                        c.run(120, "initdb", "-D", c.data.toString(), "-U", USER, "--pwfile=" + pwfile, "--auth-local=trust",
                                "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
                    }
                    c.run(120, "pg_ctl", "-D", c.data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "120",
                            "-o", "-p " + c.port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=300"
                                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB",
                            "start");
                    return c;
                } catch (IllegalStateException e) {
                    // a port taken between picking and binding: another try on another port
                    if (attempt >= 3 || !Files.exists(c.data.resolve("PG_VERSION"))) {
                        c.close();
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a PostgreSQL test cluster", e);
        }
    }

    /** A new, empty database; its JDBC URL. */
    public String createDatabase() {
        return createDatabase(null);
    }

    /**
     * A new database copied from {@code template} (a database of this cluster nobody is connected to; null: the
     * empty default), e.g. one whose schema is already migrated, which copies in a fraction of a migration's time.
     */
    public String createDatabase(String template) {
        String name = "gatehouse_test_" + DATABASES.incrementAndGet();
        if (template == null) {
            run(60, "createdb", "-h", dir.toString(), "-p", Integer.toString(port), "-U", USER, name);
        } else {
            run(60, "createdb", "-h", dir.toString(), "-p", Integer.toString(port), "-U", USER, "-T", template, name);
        }
        return url(name);
    }

    /** The database name of a URL made by {@link #createDatabase}. */
    public static String databaseName(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    /** The superuser's password (never printed by this class). */
    public String password() {
        return password;
    }

    /** Runs a PostgreSQL program of {@code bin} (as postgres when root); its output in the exception when it fails. */
    private void run(int timeoutSeconds, String program, String... args) {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) cmd.addAll(List.of("runuser", "-u", USER, "--"));
        cmd.add(bin.resolve(program).toString());
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("pg-" + program, ".log");
            try {
                Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(program + " did not finish within " + timeoutSeconds + " s");
                }
                if (p.exitValue() != 0) {
                    String log = Files.readString(out);
                    Path server = dir.resolve("server.log");
                    if (Files.isReadable(server)) log += "\n" + Files.readString(server);
                    throw new IllegalStateException(program + " failed (exit " + p.exitValue() + "): " + log.strip());
                }
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + program, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }

    /** Stops the server at once (nothing to keep) and removes its folder. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) run(60, "pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
        } catch (RuntimeException e) {
            System.err.println("could not stop the PostgreSQL test cluster in " + dir + ": " + e.getMessage());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // best effort: a temporary folder
            }
        }
    }
}
