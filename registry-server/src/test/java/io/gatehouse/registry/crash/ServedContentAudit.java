package io.gatehouse.registry.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks everything a registry serves, from the outside, the way a client would: the catalog, every repository's
 * tags, every tag's manifest, every index's child manifests, every manifest's config and layers; hashes each body
 * as it streams and compares it with the digest it was asked for. After a crash, a registry that "loses nothing"
 * passes: no tag resolves to a missing manifest, no manifest names a missing blob, nothing served is corrupt.
 */
final class ServedContentAudit {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final String ACCEPT = String.join(", ",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json");

    /** What the walk found; {@link #problems()} is empty when everything served matched its digest. */
    record Report(List<String> repositories, int tags, int manifests, int blobs, long blobBytes, List<String> problems) {
    }

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> problems = new ArrayList<>();
    private final Set<String> seenManifests = new LinkedHashSet<>();
    private final Set<String> seenBlobs = new LinkedHashSet<>();
    private int tags;
    private long blobBytes;

    private ServedContentAudit(String base) {
        this.base = base;
    }

    static Report walk(String baseUrl) {
        ServedContentAudit a = new ServedContentAudit(baseUrl);
        List<String> repos = a.paged("/v2/_catalog?n=100", "repositories");
        for (String repo : repos) {
            for (String tag : a.paged("/v2/" + repo + "/tags/list?n=100", "tags")) {
                a.tags++;
                a.manifest(repo, tag, null);
            }
        }
        return new Report(repos, a.tags, a.seenManifests.size(), a.seenBlobs.size(), a.blobBytes, List.copyOf(a.problems));
    }

    private List<String> paged(String first, String field) {
        List<String> out = new ArrayList<>();
        String next = first;
        for (int page = 0; next != null && page < 1000; page++) {
            HttpResponse<byte[]> r = get(next, "application/json");
            if (r.statusCode() != 200) {
                problems.add("GET " + next + " answered " + r.statusCode());
                return out;
            }
            try {
                JSON.readTree(r.body()).path(field).forEach(n -> out.add(n.asText()));
            } catch (IOException e) {
                problems.add("GET " + next + ": not JSON: " + e.getMessage());
                return out;
            }
            next = r.headers().firstValue("Link").map(l -> {
                Matcher m = NEXT_LINK.matcher(l);
                return m.find() ? m.group(1) : null;
            }).orElse(null);
        }
        return out;
    }

    private void manifest(String repo, String reference, String expectedDigest) {
        String what = repo + (reference.contains(":") ? "@" : ":") + reference;
        HttpResponse<byte[]> r = get("/v2/" + repo + "/manifests/" + reference, ACCEPT);
        if (r.statusCode() != 200) {
            problems.add("manifest " + what + " answered " + r.statusCode() + (expectedDigest == null ? " (a tag points at a missing manifest)" : ""));
            return;
        }
        String actual = sha256(r.body());
        String header = r.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (header != null && !header.equals(actual)) problems.add("manifest " + what + ": Docker-Content-Digest " + header + " but body hashes to " + actual);
        if (expectedDigest != null && !expectedDigest.equals(actual)) problems.add("manifest " + what + ": body hashes to " + actual);
        if (!seenManifests.add(repo + "@" + actual)) return;
        JsonNode m;
        try {
            m = JSON.readTree(r.body());
        } catch (IOException e) {
            problems.add("manifest " + what + " is not JSON");
            return;
        }
        for (JsonNode child : m.path("manifests")) manifest(repo, child.path("digest").asText(), child.path("digest").asText());
        if (m.has("config")) blob(repo, m.path("config"));
        for (JsonNode layer : m.path("layers")) blob(repo, layer);
    }

    private void blob(String repo, JsonNode descriptor) {
        String digest = descriptor.path("digest").asText();
        long size = descriptor.path("size").asLong(-1);
        if (!seenBlobs.add(repo + "@" + digest)) return;
        try {
            HttpResponse<InputStream> r = http.send(request("/v2/" + repo + "/blobs/" + digest, "*/*"), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    problems.add("blob " + repo + "@" + digest + " answered " + r.statusCode() + " (a manifest names a missing blob)");
                    return;
                }
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                long n = 0;
                int k;
                while ((k = in.read(buf)) > 0) {
                    md.update(buf, 0, k);
                    n += k;
                }
                blobBytes += n;
                String actual = "sha256:" + HexFormat.of().formatHex(md.digest());
                if (!actual.equals(digest)) problems.add("blob " + repo + "@" + digest + " hashes to " + actual + " (" + n + " bytes)");
                if (size >= 0 && n != size) problems.add("blob " + repo + "@" + digest + " is " + n + " bytes, descriptor says " + size);
            }
        } catch (IOException e) {
            problems.add("blob " + repo + "@" + digest + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<byte[]> get(String path, String accept) {
        try {
            return http.send(request(path, accept), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest request(String pathOrUrl, String accept) {
        URI uri = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : URI.create(base + pathOrUrl);
        return HttpRequest.newBuilder(uri).header("Accept", accept).timeout(Duration.ofMinutes(2)).GET().build();
    }

    private static String sha256(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
