package io.gatehouse.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds credentials where container tools keep them, in the order of containers-auth.json(5):
 * {@code $REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json} (what {@code skopeo login} and
 * {@code podman login} write), {@code $HOME/.config/containers/auth.json}, then Docker's
 * {@code $DOCKER_CONFIG/config.json} or {@code $HOME/.docker/config.json}. The first file that knows the registry wins.
 * <p>
 * In each file: a credential helper named for the host in {@code credHelpers}, else the {@code credsStore}, is asked
 * first; then the {@code auths} entry with the most specific key: {@code host/ns/repo}, {@code host/ns}, {@code host}.
 * Keys written as URLs ({@code https://index.docker.io/v1/}) stand for their host, as in Docker's files.
 * <p>
 * The environment is a parameter (not {@link System#getenv()}) so that the command line and its tests decide it.
 */
public final class ContainerAuthFiles {
    /** Where credentials for a registry came from, or where they were looked for: said when the registry refuses. */
    public record Lookup(Optional<Credentials> credentials, String source) {
    }

    private final List<Path> files;
    private final List<String> searched;
    private final Map<String, String> env;
    private final Duration helperTimeout;

    private ContainerAuthFiles(List<Path> files, List<String> searched, Map<String, String> env, Duration helperTimeout) {
        this.files = List.copyOf(files);
        this.searched = List.copyOf(searched);
        this.env = Map.copyOf(env);
        this.helperTimeout = helperTimeout;
    }

    /** The default chain for this environment (only files that exist are read; all are named in {@link Lookup#source()}). */
    public static ContainerAuthFiles fromEnvironment(Map<String, String> env) {
        List<Path> files = new ArrayList<>();
        String authFile = env.get("REGISTRY_AUTH_FILE");
        if (set(authFile)) files.add(Path.of(authFile));
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (set(runtime)) files.add(Path.of(runtime, "containers", "auth.json"));
        String home = set(env.get("HOME")) ? env.get("HOME") : System.getProperty("user.home");
        files.add(Path.of(home, ".config", "containers", "auth.json"));
        String dockerConfig = env.get("DOCKER_CONFIG");
        files.add(set(dockerConfig) ? Path.of(dockerConfig, "config.json") : Path.of(home, ".docker", "config.json"));
        List<String> searched = new ArrayList<>();
        if (!set(authFile)) searched.add("$REGISTRY_AUTH_FILE (unset)");
        if (!set(runtime)) searched.add("$XDG_RUNTIME_DIR/containers/auth.json ($XDG_RUNTIME_DIR unset)");
        return new ContainerAuthFiles(files, searched, env, CredentialHelper.DEFAULT_TIMEOUT);
    }

    /** Only this file (an explicit --authfile), which must exist. */
    public static ContainerAuthFiles of(Path file, Map<String, String> env) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("auth file " + file + " does not exist");
        return new ContainerAuthFiles(List.of(file), List.of(), env, CredentialHelper.DEFAULT_TIMEOUT);
    }

    /** The same files with another limit on how long a credential helper may take. */
    public ContainerAuthFiles withHelperTimeout(Duration timeout) {
        return new ContainerAuthFiles(files, searched, env, timeout);
    }

    /**
     * @param registry   host[:port] as in an image reference (docker.io for Docker Hub)
     * @param repository the repository path (may be empty), for keys that name a namespace
     */
    public Lookup lookup(String registry, String repository) {
        String host = DockerConfigCredentials.normalise(registry);
        List<String> looked = new ArrayList<>(searched);
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                looked.add(file + " (absent)");
                continue;
            }
            Optional<Lookup> found = lookupIn(file, host, repository == null ? "" : repository);
            if (found.isPresent()) return found.get();
            looked.add(file.toString());
        }
        return new Lookup(Optional.empty(), "no credentials for " + host + " in " + String.join(", ", looked));
    }

    private Optional<Lookup> lookupIn(Path file, String host, String repository) {
        JsonNode root = read(file);
        // a helper named for this host, else the default store: they hold the secrets `docker login` does not write
        String helperName = null;
        String serverUrl = host.equals("docker.io") ? "https://index.docker.io/v1/" : host;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("credHelpers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (DockerConfigCredentials.normalise(e.getKey()).equals(host) && e.getValue().isTextual()) {
                helperName = e.getValue().asText();
                serverUrl = e.getKey();
            }
        }
        if (helperName == null && root.path("credsStore").isTextual() && !root.path("credsStore").asText().isEmpty()) {
            helperName = root.path("credsStore").asText();
        }
        if (helperName != null) {
            CredentialHelper helper = new CredentialHelper(helperName, env, helperTimeout);
            Optional<Credentials> c = helper.get(serverUrl);
            if (c.isPresent()) return Optional.of(new Lookup(c, "credential helper " + helper.program() + " (configured in " + file + ")"));
        }
        Credentials best = null;
        int bestLength = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("auths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = authKey(e.getKey());
            String wanted = repository.isEmpty() ? host : host + "/" + repository;
            boolean matches = key.equals(host) || wanted.equals(key) || wanted.startsWith(key + "/");
            if (!matches || key.length() <= bestLength) continue;
            Credentials c = DockerConfigCredentials.entry(e.getValue(), e.getKey(), file.toString());
            if (c != null) {
                best = c;
                bestLength = key.length();
            }
        }
        return best == null ? Optional.empty() : Optional.of(new Lookup(Optional.of(best), file.toString()));
    }

    /**
     * A key of {@code auths}: a URL (Docker's legacy form) stands for its host; otherwise {@code host[/namespace...]}
     * as containers-auth.json(5) allows, with Docker Hub's host names reduced to docker.io.
     */
    static String authKey(String key) {
        String k = key.strip();
        if (k.contains("://")) return DockerConfigCredentials.normalise(k);
        int slash = k.indexOf('/');
        String host = DockerConfigCredentials.normalise(slash < 0 ? k : k.substring(0, slash));
        return slash < 0 ? host : host + k.substring(slash).replaceAll("/+$", "");
    }

    private static JsonNode read(Path file) {
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(file));
            if (root == null || !root.isObject()) throw new IOException("not an object");
            return root;
        } catch (IOException e) {
            // never echo the content: it holds secrets
            throw new IllegalArgumentException("credentials file " + file + " is not valid JSON");
        }
    }

    private static boolean set(String v) {
        return v != null && !v.isBlank();
    }

    @Override
    public String toString() {
        return "ContainerAuthFiles" + files;
    }
}
