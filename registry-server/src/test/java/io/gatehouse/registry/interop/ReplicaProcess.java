package io.gatehouse.registry.interop;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One {@code gatehouse serve} replica as a JVM of its own (the test's class path), with its own data directory and
 * log, configured by GATEHOUSE_* variables; {@link #kill9()} kills it as a crash would (SIGKILL, no shutdown hooks).
 */
class ReplicaProcess {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final int index;
    final int port;
    final Path data;
    final Path log;
    Process process;

    ReplicaProcess(int index, int port, Path dir) throws IOException {
        this.index = index;
        this.port = port;
        this.data = Files.createDirectories(dir.resolve("replica" + index));
        this.log = dir.resolve("replica" + index + ".log");
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts it with these variables (host, port and data directory are set here) and extra JVM options. */
    void start(Map<String, String> env, List<String> jvmOptions) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.gatehouse.registry.Main", "serve"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().put("GATEHOUSE_HOST", "127.0.0.1");
        pb.environment().put("GATEHOUSE_PORT", Integer.toString(port));
        pb.environment().put("GATEHOUSE_DATA_DIR", data.toString());
        process = pb.start();
    }

    /** Waits for {@code /readyz} to answer 200; fails with its log when it exits instead. */
    void awaitReady() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) throw new AssertionError("replica " + index + " exited:\n" + Files.readString(log));
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
    }

    /** SIGKILL, and waits for it to be gone. */
    void kill9() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Its id among the replicas, from its start-up log. */
    String nodeId() throws IOException {
        Matcher m = Pattern.compile("replica (\\S+);").matcher(Files.readString(log));
        assertThat(m.find()).as("cluster mode line in the log of replica " + index).isTrue();
        return m.group(1);
    }
}
