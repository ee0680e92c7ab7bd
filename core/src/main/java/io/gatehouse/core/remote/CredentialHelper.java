package io.gatehouse.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.Json;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A Docker credential helper ({@code docker-credential-<name>}, as named by {@code credHelpers} or {@code credsStore}):
 * runs {@code get} with the server URL on stdin and reads {@code {"ServerURL","Username","Secret"}} from stdout.
 * <p>
 * Bounded and quiet: a helper that does not answer within the timeout is killed (with its children, so a forked
 * {@code sleep} cannot hold the pipe open); its stderr is discarded and its stdout is never quoted in an error,
 * because a failing helper may print what it was handed or found.
 */
public final class CredentialHelper {
    /** What docker-credential-helpers print (on stdout, exit 1) when they hold nothing for the server. */
    static final String NOT_FOUND = "credentials not found in native keychain";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final String name;
    private final Map<String, String> env;
    private final Duration timeout;

    /**
     * @param name the part after {@code docker-credential-}
     * @param env  the environment the helper runs with; its {@code PATH} is where the helper is looked for
     */
    public CredentialHelper(String name, Map<String, String> env, Duration timeout) {
        if (name == null || !NAME.matcher(name).matches()) {
            // a name like "../../bin/sh" would run something that is not a credential helper
            throw new IllegalArgumentException("credential helper name '" + name + "' is not a plain program name");
        }
        this.name = name;
        this.env = Map.copyOf(env);
        this.timeout = timeout;
    }

    public String program() {
        return "docker-credential-" + name;
    }

    /** The credentials the helper holds for {@code serverUrl}; empty when it holds none. */
    public Optional<Credentials> get(String serverUrl) {
        Path exe = locate().orElseThrow(() -> new IllegalArgumentException(
                "credential helper " + program() + " is configured but not found on PATH"));
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), "get").redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot run credential helper " + program() + ": " + e.getMessage());
        }
        // read stdout alongside, so a chatty helper cannot block on a full pipe while we wait for it to exit
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readLimited(p.getInputStream()));
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // a helper that exits without reading its input is judged by its exit and output
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new IllegalArgumentException("credential helper " + program() + " did not answer within "
                        + timeout.toSeconds() + "s and was stopped");
            }
            byte[] stdout = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String text = new String(stdout, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                if (text.contains(NOT_FOUND)) return Optional.empty();
                throw new IllegalArgumentException("credential helper " + program() + " get failed (exit " + p.exitValue() + ")");
            }
            return Optional.ofNullable(parse(text));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while running credential helper " + program());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            kill(p);
            throw new IllegalArgumentException("cannot read the answer of credential helper " + program());
        }
    }

    private Credentials parse(String text) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("credential helper " + program() + " answered something that is not JSON");
        }
        String user = n == null ? "" : n.path("Username").asText("");
        String secret = n == null ? "" : n.path("Secret").asText("");
        if (secret.isEmpty()) return null;
        // the convention of docker and containers/image: this username marks the secret as an identity (refresh) token
        if (user.equals("<token>")) return Credentials.identityToken(user, secret);
        return Credentials.basic(user, secret);
    }

    private Optional<Path> locate() {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, program());
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static byte[] readLimited(InputStream in) {
        try (in) {
            return in.readNBytes(MAX_OUTPUT);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
