package io.gatehouse.registry.crash;

import io.gatehouse.testing.FreePort;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The crash test against our registry, run as a separate JVM ({@code java -cp <test classpath>
 * io.gatehouse.registry.Main serve}) so kill -9 really takes it down mid-write. It must resume the upload.
 */
class GatehouseCrashTest extends CrashContract {

    @Override
    protected Server start(Path dataDir, Path workDir) throws Exception {
        int port = FreePort.pick();
        Path log = Files.createTempFile(workDir, "gatehouse-", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m",
                // a quicker start on a busy CI machine (C1 only, serial GC); durability does not depend on the JIT
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "io.gatehouse.registry.Main", "serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("GATEHOUSE_GC_INTERVAL", "0");
        // This test is about storage, not access control: run the registry open, as the interop tests do.
        pb.environment().put("GATEHOUSE_AUTH_ENABLED", "false");
        Process p = pb.start();
        String url = "http://127.0.0.1:" + port;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            if (!p.isAlive()) throw new IllegalStateException("registry exited with " + p.exitValue() + ":\n" + Files.readString(log));
            if (Instant.now().isAfter(deadline)) {
                p.destroyForcibly();
                throw new IllegalStateException("registry did not answer on " + url + " within 60 s:\n" + Files.readString(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url + "/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) break;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        return new Server() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public void kill9() {
                p.destroyForcibly(); // SIGKILL on Linux
                try {
                    p.waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    @Override
    protected boolean resumesAfterRestart() {
        return true;
    }
}
