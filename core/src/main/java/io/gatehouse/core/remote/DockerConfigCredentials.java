package io.gatehouse.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from a Docker {@code config.json} (what {@code docker login} writes): the {@code auths} map with
 * {@code auth} (base64 user:password) or {@code username}/{@code password}, or {@code identitytoken}.
 * Keys may be bare hosts or URLs ({@code https://index.docker.io/v1/} for Docker Hub).
 * <p>
 * One file, {@code auths} only: {@link ContainerAuthFiles} is the lookup the command line uses (containers auth.json
 * files, then Docker's, with credential helpers).
 */
public final class DockerConfigCredentials implements CredentialProvider {
    private final Map<String, Credentials> byHost;

    private DockerConfigCredentials(Map<String, Credentials> byHost) {
        this.byHost = byHost;
    }

    public static DockerConfigCredentials load(Path configJson) {
        try {
            return parse(Files.readAllBytes(configJson), configJson.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read docker config " + configJson + ": " + e.getMessage());
        }
    }

    static DockerConfigCredentials parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            // never echo the file: it holds secrets
            throw new IllegalArgumentException("docker config " + source + " is not valid JSON");
        }
        Map<String, Credentials> map = new HashMap<>();
        JsonNode auths = root == null ? null : root.get("auths");
        if (auths != null && auths.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode n = e.getValue();
                Credentials c = entry(n, e.getKey(), source);
                if (c != null) map.put(normalise(e.getKey()), c);
            }
        }
        return new DockerConfigCredentials(Map.copyOf(map));
    }

    /**
     * One entry of an {@code auths} map (Docker's config.json and the containers auth.json share it): {@code auth}
     * (base64 user:password) or {@code username}/{@code password}, or an {@code identitytoken}; null when empty (as
     * {@code docker login} leaves it when a credential store holds the secret).
     */
    static Credentials entry(JsonNode n, String key, String source) {
        String user = text(n, "username");
        String pass = text(n, "password");
        String auth = text(n, "auth");
        if (auth != null && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("credentials file " + source + ": the 'auth' of " + key + " is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("credentials file " + source + ": the 'auth' of " + key + " is not user:password");
            user = decoded.substring(0, colon);
            pass = decoded.substring(colon + 1);
        }
        String identity = text(n, "identitytoken");
        if (identity != null && !identity.isEmpty()) return Credentials.identityToken(user == null || user.isEmpty() ? "<token>" : user, identity);
        if (user != null && pass != null && !user.isEmpty()) return Credentials.basic(user, pass);
        return null;
    }

    @Override
    public Optional<Credentials> forRegistry(String registry) {
        return Optional.ofNullable(byHost.get(normalise(registry)));
    }

    /** Reduces {@code https://index.docker.io/v1/}, {@code registry-1.docker.io}, {@code docker.io} to one key. */
    static String normalise(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT);
        int scheme = k.indexOf("://");
        if (scheme >= 0) k = k.substring(scheme + 3);
        int slash = k.indexOf('/');
        if (slash >= 0) k = k.substring(0, slash);
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io") || k.equals("registry.hub.docker.com")) k = "docker.io";
        return k;
    }

    static boolean sameRegistry(String a, String b) {
        return normalise(a).equals(normalise(b));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    @Override
    public String toString() {
        return "DockerConfigCredentials" + byHost.keySet();
    }
}
