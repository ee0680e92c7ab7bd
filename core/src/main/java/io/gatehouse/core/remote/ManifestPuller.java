package io.gatehouse.core.remote;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.InvalidManifestException;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import okhttp3.Headers;
import okhttp3.Response;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static io.gatehouse.core.remote.RegistryEndpoint.contentType;
import static io.gatehouse.core.remote.RegistryEndpoint.parseLong;
import static io.gatehouse.core.remote.RegistryEndpoint.pull;

/** Reads manifests: HEADs (descriptor, digest, conditional on a known digest) and GETs checked against their digest. */
final class ManifestPuller {
    private final RegistryEndpoint endpoint;

    ManifestPuller(RegistryEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    Optional<Descriptor> headManifest(RepositoryName repo, String reference) {
        String path = "/v2/" + repo + "/manifests/" + reference;
        try (Response r = endpoint.send("HEAD", endpoint.url(path), null, List.of(pull(repo)), true)) {
            return describeHead(r, repo, reference, path);
        }
    }

    Optional<Digest> manifestDigest(RepositoryName repo, String reference, Digest known) {
        String path = "/v2/" + repo + "/manifests/" + reference;
        Headers conditional = known == null ? null : Headers.of("If-None-Match", "\"" + known + "\"");
        try (Response r = endpoint.send("HEAD", endpoint.url(path), null, List.of(pull(repo)), true, conditional)) {
            if (known != null && r.code() == 304) return Optional.of(known);
            return describeHead(r, repo, reference, path).map(Descriptor::digest);
        }
    }

    /** A manifest HEAD's answer: empty on 404, the descriptor from its headers (a GET when they lack the digest). */
    private Optional<Descriptor> describeHead(Response r, RepositoryName repo, String reference, String path) {
        if (r.code() == 404) return Optional.empty();
        if (!r.isSuccessful()) throw endpoint.error("HEAD", path, r);
        String digest = r.header("Docker-Content-Digest");
        if (digest == null) {
            if (Digest.isDigest(reference)) digest = reference;
            else return Optional.of(getManifest(repo, reference).descriptor());
        }
        String type = contentType(r);
        long size = parseLong(r.header("Content-Length"), -1);
        return Optional.of(Descriptor.of(type == null ? MediaTypes.OCI_MANIFEST : type, Digest.parse(digest), Math.max(size, 0)));
    }

    Manifest getManifest(RepositoryName repo, String reference) {
        String path = "/v2/" + repo + "/manifests/" + reference;
        String registry = endpoint.registry();
        RetryPolicy retry = endpoint.retry();
        byte[] bytes;
        String type;
        String headerDigest;
        for (int attempt = 1; ; attempt++) {
            try (Response r = endpoint.send("GET", endpoint.url(path), null, List.of(pull(repo)), true)) {
                if (!r.isSuccessful()) throw endpoint.error("GET", path, r);
                type = contentType(r);
                headerDigest = r.header("Docker-Content-Digest");
                long declared = parseLong(r.header("Content-Length"), -1);
                if (declared > Manifest.MAX_BYTES) throw new InvalidManifestException("manifest " + repo + ":" + reference + " is larger than 4 MiB");
                bytes = RegistryEndpoint.readLimited(r.body().byteStream(), Manifest.MAX_BYTES);
                break;
            } catch (IOException e) {
                // a truncated body: retry like a connection error (the endpoint's retries end once the headers arrived)
                if (attempt >= retry.maxAttempts()) throw new RegistryException("reading manifest " + repo + ":" + reference + " from " + registry + " failed: " + e.getMessage(), e);
                RegistryEndpoint.sleep(retry.backoff(attempt));
            }
        }
        Manifest m;
        if (Digest.isDigest(reference)) {
            Digest want = Digest.parse(reference);
            m = Manifest.parse(bytes, type, want.algorithm());
            if (!m.digest().equals(want)) {
                throw new RegistryException("manifest " + repo + "@" + reference + " from " + registry + " does not match its digest (got " + m.digest() + ")", 0, List.of("DIGEST_INVALID"));
            }
        } else {
            String alg = headerDigest != null && Digest.isDigest(headerDigest) ? Digest.parse(headerDigest).algorithm() : "sha256";
            m = Manifest.parse(bytes, type, alg);
            if (headerDigest != null && Digest.isDigest(headerDigest) && !m.digest().toString().equals(headerDigest)) {
                throw new RegistryException("manifest " + repo + ":" + reference + " from " + registry + " does not match its Docker-Content-Digest "
                        + headerDigest + " (got " + m.digest() + ")", 0, List.of("DIGEST_INVALID"));
            }
        }
        return m;
    }

    /**
     * The referrers tag-schema index ({@code <alg>-<hex>} tag) of {@code subject}, or empty when there is none. Shared by
     * reading referrers on registries without the referrers API and by keeping that index current after a push.
     */
    Optional<Manifest> referrersTagIndex(RepositoryName repo, Digest subject) {
        try {
            return Optional.of(getManifest(repo, subject.toTagForm()));
        } catch (RegistryException e) {
            if (e.isNotFound()) return Optional.empty();
            throw e;
        }
    }
}
