package io.gatehouse.testing;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/**
 * CNCF Distribution (Debian's docker-registry) started on a free loopback port with its own storage folder:
 * our third-party upstream and reference. Extra YAML (an auth section, say) can be appended to the config.
 */
public final class DistributionRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path root;

    private DistributionRegistry(Process process, int port, Path root) {
        this.process = process;
        this.port = port;
        this.root = root;
    }

    public static DistributionRegistry start(Path workDir) {
        return start(workDir, "");
    }

    /**
     * Distribution that wants HTTP Basic auth (htpasswd, bcrypt) from one user: an upstream with credentials. The
     * htpasswd file is written into {@code workDir}.
     */
    public static DistributionRegistry startWithBasicAuth(Path workDir, String user, String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        try {
            Path htpasswd = Files.writeString(Files.createDirectories(workDir).resolve("htpasswd"),
                    user + ":" + OpenBSDBCrypt.generate("2a", password.toCharArray(), salt, 5) + "\n");
            return start(workDir, "auth:\n  htpasswd:\n    realm: gatehouse-test\n    path: " + htpasswd + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param extraYaml top-level YAML sections appended to the config (for example an {@code auth:} block);
     *                  must not repeat the keys written here (version, log, storage, http)
     */
    public static DistributionRegistry start(Path workDir, String extraYaml) {
        Path binary = ExternalTools.require("docker-registry");
        int port = FreePort.pick();
        try {
            Path storage = Files.createDirectories(workDir.resolve("distribution-storage"));
            Path config = workDir.resolve("distribution-config.yml");
            Files.writeString(config, """
                    version: 0.1
                    log:
                      level: warn
                      accesslog:
                        disabled: true
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                      maintenance:
                        uploadpurging:
                          enabled: false
                    http:
                      addr: 127.0.0.1:%d
                    """.formatted(storage, port) + extraYaml);
            Process p = new ProcessBuilder(binary.toString(), "serve", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("distribution.log").toFile())
                    .start();
            DistributionRegistry r = new DistributionRegistry(p, port, storage);
            r.awaitReady(Duration.ofSeconds(20));
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) throw new IllegalStateException("docker-registry exited with " + process.exitValue());
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200 || code == 401) return;
            } catch (IOException ignored) {
                // not listening yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("docker-registry did not become ready on port " + port);
    }

    /** http://127.0.0.1:PORT */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** 127.0.0.1:PORT, the form image references and skopeo use. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public Path storageRoot() {
        return root;
    }

    /** kill -9: no shutdown hook, no flush; for crash tests. The storage folder stays for a restart. */
    public void killForcibly() {
        process.destroyForcibly();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
