package io.gatehouse.registry.interop;

import io.gatehouse.testing.ExternalTools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real third-party clients (skopeo, podman, docker CLI) against a registry with everything they read
 * from the machine redirected into one temporary folder: auth file, docker config, registries.conf, podman's
 * storage (vfs) and run root. So tests never touch the host's images or credentials and never see each other's.
 */
final class Clients implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 120;

    private final Path home;
    /** podman refuses a run root longer than 50 characters, so it cannot live under a deep temp folder. */
    private final Path runRoot;
    private final Map<String, String> env;

    Clients(Path home) {
        this.home = home;
        try {
            runRoot = Files.createTempDirectory(Path.of("/tmp"), "gh-run");
            Path dockerConfig = Files.createDirectories(home.resolve("docker-config"));
            Files.writeString(dockerConfig.resolve("config.json"), "{}");
            Path registries = home.resolve("registries.conf");
            Files.writeString(registries, "unqualified-search-registries = []\nshort-name-mode = \"disabled\"\n");
            Path storageConf = home.resolve("storage.conf");
            Files.writeString(storageConf, """
                    [storage]
                    driver = "vfs"
                    graphroot = "%s"
                    runroot = "%s"
                    """.formatted(home.resolve("podman-root"), runRoot));
            Path auth = home.resolve("auth.json");
            Files.writeString(auth, "{}");
            Files.createDirectories(home.resolve("tmp"));
            env = Map.of(
                    "DOCKER_CONFIG", dockerConfig.toString(),
                    "REGISTRY_AUTH_FILE", auth.toString(),
                    "CONTAINERS_REGISTRIES_CONF", registries.toString(),
                    "CONTAINERS_STORAGE_CONF", storageConf.toString(),
                    "TMPDIR", home.resolve("tmp").toString(),
                    // docker CLI: no engine here, and it must not try to reach one
                    "DOCKER_HOST", "unix://" + home.resolve("no-docker.sock"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        RealClientsContract.deleteTree(runRoot);
    }

    /** skopeo with its arguments; fails the test (with the output) on a non-zero exit. */
    String skopeo(String... args) {
        return ok(cmd(ExternalTools.require("skopeo"), List.of(), args));
    }

    /** podman on isolated vfs storage under this folder. */
    String podman(String... args) {
        Path podman = ExternalTools.require("podman");
        List<String> pre = List.of("--root", home.resolve("podman-root").toString(),
                "--runroot", runRoot.toString(),
                "--storage-driver", "vfs", "--events-backend", "none", "--cgroup-manager", "cgroupfs");
        return ok(cmd(podman, pre, args));
    }

    /** The docker CLI (only commands that need no engine, such as {@code manifest inspect}). */
    String docker(String... args) {
        return ok(cmd(ExternalTools.require("docker"), List.of(), args));
    }

    /** Runs a tool and returns exit code and output without judging it (for expected failures). */
    Result run(Path tool, String... args) {
        return cmd(tool, List.of(), args);
    }

    /** stdout alone (JSON for inspect commands); stderr kept apart for failure messages. */
    record Result(List<String> command, int exitCode, String output, String errors) {
    }

    private static String ok(Result r) {
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", r.command()) + " exited " + r.exitCode() + ":\n" + r.output() + "\n" + r.errors());
        }
        return r.output();
    }

    private Result cmd(Path tool, List<String> pre, String... args) {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(pre);
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(home.resolve("tmp"), "out", ".txt");
            Path err = Files.createTempFile(home.resolve("tmp"), "err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
