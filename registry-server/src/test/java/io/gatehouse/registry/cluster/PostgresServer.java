package io.gatehouse.registry.cluster;

import io.gatehouse.testing.ExternalTools;
import io.gatehouse.testing.FreePort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL 15 cluster for tests: {@code initdb} in a temporary folder, {@code pg_ctl start} on a free
 * loopback port, trust authentication for the {@code gatehouse} role; {@link #stop()} and {@link #start()} again in the
 * middle of a test (the registry's outage handling), {@link #close()} removes it all. Run as the {@code postgres} user
 * when the tests run as root (initdb refuses root). Missing binaries skip the test, or fail it under CI=true.
 */
public final class PostgresServer implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final int port;
    private final boolean asPostgres;

    private PostgresServer(Path dir, int port, boolean asPostgres) {
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** initdb + start, in a new folder of the system's temporary directory (the postgres user must reach it). */
    public static PostgresServer launch() throws IOException, InterruptedException {
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isExecutable(BIN.resolve("initdb")) || !Files.isExecutable(BIN.resolve("pg_ctl"))) {
            ExternalTools.require("postgresql-15 (" + BIN + "/initdb)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory(parent, "pg");
        if (root) run(List.of("chown", "postgres:postgres", dir.toString()), false, 30);
        PostgresServer pg = new PostgresServer(dir, FreePort.pick(), root);
        pg.run(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "gatehouse",
                "--auth=trust", "-E", "UTF8", "--no-sync"), 120);
        pg.start();
        return pg;
    }

    /** Starts (again) on the same port, waiting until it accepts connections. */
    public void start() throws IOException, InterruptedException {
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200",
                "start"), 90);
    }

    /** Stops it: "fast" disconnects every client, as a database restart or failover does. */
    public void stop() throws IOException, InterruptedException {
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "-t", "60", "stop"), 90);
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "gatehouse";
    }

    /** Runs SQL scripts (';'-separated statements, '--' comments) against the database, for schema set-up. */
    public void execute(String... sql) throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection(jdbcUrl(), user(), ""); var st = c.createStatement()) {
            for (String script : sql) {
                StringBuilder clean = new StringBuilder();
                for (String line : script.split("\n")) {
                    int dash = line.indexOf("--");
                    clean.append(dash >= 0 ? line.substring(0, dash) : line).append('\n');
                }
                for (String statement : clean.toString().split(";")) {
                    if (!statement.isBlank()) st.execute(statement);
                }
            }
        }
    }

    private void run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        run(full, true, timeoutSeconds);
    }

    private static void run(List<String> command, boolean check, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        if (check && p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"), 60);
        } catch (IOException ignored) {
            // not running
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
