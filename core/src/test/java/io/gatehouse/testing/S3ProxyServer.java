package io.gatehouse.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy 2.6.0 (jar-with-dependencies from Maven Central, copied by registry-server's build to
 * {@code target/s3proxy/s3proxy.jar}) as a separate process on a free loopback port: a real S3 API (AWS signature
 * v4, multipart uploads, ranged GETs, presigned URLs) over the local filesystem. Buckets are folders under
 * {@link #baseDir()}. It can be stopped and started again on the same port and folder, to play an S3 outage.
 * <p>
 * The jar is looked for in {@code -Dgatehouse.s3proxy.jar}, {@code target/s3proxy/}, {@code ../registry-server/target/s3proxy/}
 * and the local Maven repository; missing, it fails the test under CI and skips it elsewhere, like every external tool.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "gatehouse-test-access";
    public static final String SECRET_KEY = "gatehouse-test-secret-not-a-real-one";
    public static final String REGION = "us-east-1";

    private final Path jar;
    private final Path workDir;
    private final Path baseDir;
    private final int port;
    private Process process;

    private S3ProxyServer(Path jar, Path workDir, int port) {
        this.jar = jar;
        this.workDir = workDir;
        this.baseDir = workDir.resolve("buckets");
        this.port = port;
    }

    /** Starts S3Proxy with its buckets under {@code workDir}. */
    public static S3ProxyServer start(Path workDir) {
        S3ProxyServer s = new S3ProxyServer(requireJar(), workDir, FreePort.pick());
        s.startProcess();
        return s;
    }

    public static Path requireJar() {
        String configured = System.getProperty("gatehouse.s3proxy.jar");
        List<Path> candidates = new java.util.ArrayList<>();
        if (configured != null && !configured.isBlank()) candidates.add(Path.of(configured));
        candidates.add(Path.of("target/s3proxy/s3proxy.jar"));
        candidates.add(Path.of("../registry-server/target/s3proxy/s3proxy.jar"));
        candidates.add(Path.of(System.getProperty("user.home"), ".m2/repository/org/gaul/s3proxy/2.6.0/s3proxy-2.6.0-jar-with-dependencies.jar"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) return p.toAbsolutePath();
        }
        String why = "S3Proxy jar not found (mvn -pl registry-server process-test-resources copies it to target/s3proxy/)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why);
        Assumptions.abort(why);
        return null;
    }

    private void startProcess() {
        try {
            Files.createDirectories(baseDir);
            Path props = workDir.resolve("s3proxy.properties");
            Files.writeString(props, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + baseDir,
                    "jclouds.identity=unused",
                    "jclouds.credential=unused",
                    "") );
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                    "-DLOG_LEVEL=warn", "-jar", jar.toString(), "--properties", props.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("s3proxy.log").toFile()))
                    .start();
            awaitReady(Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + "; see " + workDir.resolve("s3proxy.log"));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code > 0) return; // any answer (403 without a signature) means it listens
            } catch (IOException ignored) {
                // not listening yet
            }
            sleep(100);
        }
        stop();
        throw new IllegalStateException("S3Proxy did not answer on port " + port + " within " + timeout);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** http://127.0.0.1:PORT */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Where the filesystem provider keeps the buckets (one folder each, objects as files). */
    public Path baseDir() {
        return baseDir;
    }

    /** Creates a bucket (a folder of the filesystem provider); returns its name. */
    public String createBucket(String name) {
        try {
            Files.createDirectories(baseDir.resolve(name));
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The registry settings that put its blobs in {@code bucket} on this S3Proxy. */
    public java.util.Map<String, String> registrySettings(String bucket) {
        return java.util.Map.of(
                "storage.driver", "s3",
                "storage.s3.bucket", bucket,
                "storage.s3.endpoint", endpoint(),
                "storage.s3.region", REGION,
                "storage.s3.path_style", "true",
                "storage.s3.access_key", ACCESS_KEY,
                "storage.s3.secret_key", SECRET_KEY,
                "storage.s3.part_size", Integer.toString(5 << 20));
    }

    /** Stops the process (an outage); {@link #restart()} brings it back on the same port with the same buckets. */
    public void stop() {
        if (process == null) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    public void restart() {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        stop();
    }
}
