package io.gatehouse.registry;

import io.gatehouse.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The README's quick start is src-examples/quickstart.sh, and it works: run with bash, with the real clients (skopeo,
 * podman, umoci, CNCF Distribution, docker CLI), against the registry compiled by this build (a {@code gatehouse}
 * on PATH that starts {@link Main} from the test class path, as cli/Cli does), on two free loopback ports.
 */
class QuickstartScriptTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("src-examples/quickstart.sh");

    @Test
    void quickstartRunsAsWrittenAndCleansUp(@TempDir Path dir) throws Exception {
        for (String tool : List.of("bash", "curl", "skopeo", "podman", "umoci", "docker-registry", "docker")) ExternalTools.require(tool);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path gatehouse = bin.resolve("gatehouse");
        Files.writeString(gatehouse, "#!/bin/sh\nexec '%s' -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '%s' %s \"$@\"\n"
                .formatted(Path.of(System.getProperty("java.home"), "bin", "java"),
                        io.gatehouse.registry.cli.Cli.shippedClassPath(), Main.class.getName()));
        Files.setPosixFilePermissions(gatehouse, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = freePort();
        int upstreamPort = freePort();

        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        env.put("GATEHOUSE_ADMIN_PASSWORD", "quickstart-admin-pw");
        env.put("PORT", Integer.toString(port));
        env.put("UPSTREAM_PORT", Integer.toString(upstreamPort));
        env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        Process p = pb.start();
        boolean ended = p.waitFor(10, TimeUnit.MINUTES);
        if (!ended) p.descendants().forEach(ProcessHandle::destroy);
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(ended).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("\"state\":\"done\"", "\"promoted\":true", "Login Succeeded", "quick start OK")
                .doesNotContain("quickstart-admin-pw");
        // the trap stopped both registries
        for (int used : List.of(port, upstreamPort)) {
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), used).close()).isInstanceOf(ConnectException.class);
        }
    }

    /** Every command of the README's quick-start block is a line of the script, so the two cannot drift apart. */
    @Test
    void readmeQuickStartShowsTheScriptsCommands() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Quick start"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        String block = section.substring(section.lastIndexOf("```sh") + 5);
        block = block.substring(0, block.indexOf("```"));
        Set<String> script = Files.readAllLines(SCRIPT).stream().map(String::strip).collect(Collectors.toSet());
        List<String> commands = block.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(commands).hasSizeGreaterThan(15).allSatisfy(c -> assertThat(script).as("a line of quickstart.sh").contains(c));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
