package io.gatehouse.registry.cli;

import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.SecuredRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `gatehouse copy` and `gatehouse mirror` with credentials where container tools keep them: a real `skopeo login`
 * against a real registry with auth on (anonymous pull off), and a Docker credential helper on PATH. Each test passes
 * its own environment (the JVM's cannot be changed), so nothing of the developer's own logins is read.
 */
class ContainerCredentialsCommandTest {
    @TempDir
    static Path dir;
    static SecuredRegistry registry;
    static String host;

    @BeforeAll
    static void start() throws IOException {
        registry = new SecuredRegistry(Files.createDirectories(dir.resolve("reg")), false);
        host = registry.server.registryHost();
        registry.pushImage("team/app", "1.0", SecuredRegistry.admin());
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
    }

    @Test
    void copyUsesWhatSkopeoLoginWroteUnderXdgRuntimeDir() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run1"));
        Map<String, String> env = env("home1");
        env.put("XDG_RUNTIME_DIR", run.toString());
        skopeoLogin(env);
        assertThat(run.resolve("containers/auth.json")).exists();

        int code = io.gatehouse.registry.cli.GatehouseCommand.commandLine(env).execute("copy", host + "/team/app:1.0", host + "/copied/app:1.0", "-q");

        assertThat(code).isZero();
        assertThat(admin().headManifest(RepositoryName.of("copied/app"), "1.0")).isPresent();
    }

    @Test
    void mirrorUsesTheRegistryAuthFileSkopeoLoginWrote() throws Exception {
        Path authFile = dir.resolve("elsewhere/auth.json");
        Map<String, String> env = env("home2");
        env.put("REGISTRY_AUTH_FILE", authFile.toString());
        skopeoLogin(env);
        assertThat(authFile).exists();

        int code = io.gatehouse.registry.cli.GatehouseCommand.commandLine(env).execute("mirror", host + "/team/app", host + "/mirrored/app", "-q");

        assertThat(code).isZero();
        assertThat(admin().headManifest(RepositoryName.of("mirrored/app"), "1.0")).isPresent();
    }

    @Test
    void copyAsksTheCredentialHelperNamedForTheRegistry() throws Exception {
        Map<String, String> env = env("home3");
        Path bin = Files.createDirectories(dir.resolve("bin3"));
        // a real executable following the protocol: server URL on stdin, JSON on stdout, "not found" for other servers
        helper(bin, "test", "read url\n"
                + "if [ \"$url\" = \"" + host + "\" ]; then\n"
                + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"admin\",\"Secret\":\"" + AuthFixture.ADMIN_PASSWORD + "\"}' \"$url\"\n"
                + "else echo 'credentials not found in native keychain'; exit 1; fi\n");
        env.put("PATH", bin + ":" + env.get("PATH"));
        Path docker = Files.createDirectories(Path.of(env.get("HOME"), ".docker"));
        Files.writeString(docker.resolve("config.json"), "{\"auths\":{},\"credHelpers\":{\"" + host + "\":\"test\"}}");

        int code = io.gatehouse.registry.cli.GatehouseCommand.commandLine(env).execute("copy", host + "/team/app:1.0", host + "/helped/app:1.0", "-q");

        assertThat(code).isZero();
        assertThat(admin().headManifest(RepositoryName.of("helped/app"), "1.0")).isPresent();
    }

    @Test
    void aRefusalNamesTheFilesThatWereLookedIn() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run4"));
        Map<String, String> env = env("home4");
        env.put("XDG_RUNTIME_DIR", run.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = io.gatehouse.registry.cli.GatehouseCommand.commandLine(env).execute("copy", host + "/team/app:1.0", host + "/refused/app:1.0", "-q");
        } finally {
            System.setErr(old);
        }

        assertThat(code).isEqualTo(1);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message).contains("no credentials for " + host)
                .contains("$REGISTRY_AUTH_FILE (unset)")
                .contains(run.resolve("containers/auth.json").toString())
                .contains(Path.of(env.get("HOME"), ".config/containers/auth.json").toString())
                .contains(Path.of(env.get("HOME"), ".docker/config.json").toString());
    }

    private static Map<String, String> env(String home) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", Files.createDirectories(dir.resolve(home)).toString());
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        return env;
    }

    /** `skopeo login` as a user would run it, the password on stdin (never on a command line). */
    private static void skopeoLogin(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("skopeo", "login", "--tls-verify=false", "--username", "admin", "--password-stdin", host)
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(AuthFixture.ADMIN_PASSWORD.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    static void helper(Path bin, String name, String body) throws IOException {
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    private static RegistryClient admin() {
        return RegistryClient.builder(host).credentials(Credentials.basic("admin", AuthFixture.ADMIN_PASSWORD)).build();
    }
}
