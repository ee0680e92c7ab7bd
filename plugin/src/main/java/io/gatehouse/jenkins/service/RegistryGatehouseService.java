package io.gatehouse.jenkins.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.ImageSigner;
import io.gatehouse.core.sign.Keys;
import io.gatehouse.core.sign.SignatureArtifacts;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The real {@link GatehouseService}: talks to our registry over HTTP.
 *
 * <p>Done: connection test, digest resolution and signing (core.sign) over the OCI Distribution API (/v2/),
 * Basic or bearer-token auth sent directly. Waiting for other branches (see docs/plugin.md, "Status"): the
 * management routes /api/v1 for server-side mirror, scan and promotion. Until they land, those
 * operations fail with a clear message instead of guessing at routes that do not exist yet.
 */
public final class RegistryGatehouseService implements GatehouseService {
    static final String ACCEPT = String.join(",",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private final ConnectionSettings settings;
    private final RegistryAuth auth;
    private final OkHttpClient http;

    public RegistryGatehouseService(ConnectionSettings settings, RegistryAuth auth) {
        this.settings = settings;
        this.auth = auth == null ? RegistryAuth.ANONYMOUS : auth;
        this.http = HttpClients.build(settings);
    }

    /** GET /v2/: 200 (open) or 401 with a WWW-Authenticate challenge both prove an OCI registry answers. */
    public Check testConnection() {
        Request req = authorize(new Request.Builder().url(settings.registryUrl().resolve("/v2/").toString())).build();
        try (Response rsp = http.newCall(req).execute()) {
            if (rsp.code() == 200) {
                return Check.ok("Connected: " + settings.registryHost() + " speaks the OCI Distribution API");
            }
            if (rsp.code() == 401) {
                return auth.isAnonymous()
                        ? Check.warning("The registry answers but needs credentials: choose a service-account credential")
                        : Check.error("The registry rejected the credentials (401)");
            }
            return Check.error("Unexpected HTTP " + rsp.code() + " from " + settings.registryUrl().resolve("/v2/"));
        } catch (IOException e) {
            return Check.error("Cannot reach " + settings.registryUrl() + ": " + e.getMessage());
        }
    }

    /** Resolves a tag to the digest of the manifest (or index) it points at; a digest argument is checked to exist. */
    public String resolveDigest(ImageArgument image) throws IOException {
        String url = settings.registryUrl().resolve("/v2/" + image.repository() + "/manifests/" + image.reference()).toString();
        Request req = authorize(new Request.Builder().url(url).head().header("Accept", ACCEPT)).build();
        try (Response rsp = http.newCall(req).execute()) {
            if (rsp.code() == 404) {
                throw new IOException("image " + image + " not found in " + settings.registryHost());
            }
            if (!rsp.isSuccessful()) {
                throw new IOException("HTTP " + rsp.code() + " resolving " + image);
            }
            String digest = rsp.header("Docker-Content-Digest");
            if (digest == null) {
                if (image.digest() != null) {
                    return image.digest().toString();
                }
                throw new IOException("the registry did not return Docker-Content-Digest for " + image);
            }
            return digest;
        }
    }

    @Override
    public MirrorOutcome mirror(MirrorRequest request) throws IOException {
        throw notYet("server-side mirroring (/api/v1 mirrors)");
    }

    @Override
    public ScanSummary scan(ImageArgument image, String policy, Duration wait) throws IOException {
        throw notYet("scanning (/api/v1 scans)");
    }

    @Override
    public PromotionOutcome promote(ImageArgument image, String targetRepository, String policy) throws IOException {
        throw notYet("promotion (/api/v1 promotions)");
    }

    /**
     * Resolves the tag to a digest, then signs that digest with core.sign (cosign format: a simple-signing payload
     * in the image's {@code sha256-<hex>.sig} manifest, with the image as its OCI subject), over /v2.
     * The identity signed is {@code host/repo:tag} (or {@code host/repo} for a digest argument), which cosign,
     * skopeo/podman and our verifier accept.
     */
    @Override
    public SignatureOutcome sign(ImageArgument image, SigningKey key) throws IOException {
        requireConfiguredRegistry(image);
        String digest = resolveDigest(image);
        io.gatehouse.core.sign.SigningKey signingKey;
        try {
            signingKey = Keys.readPrivateKey(new String(key.keyBytes(), StandardCharsets.US_ASCII), key.passphrase());
        } catch (RuntimeException e) {
            // KeyFormatException and friends: say what is wrong with the key, never echo it.
            throw new IOException("cannot read the signing key '" + key.fileName() + "': " + e.getMessage());
        }
        String identity = settings.registryHost() + "/" + image.repository() + (image.tag() != null ? ":" + image.tag() : "");
        SignatureArtifacts artifacts = new ImageSigner(signatureStore())
                .sign(image.repository(), Digest.parse(digest), identity, signingKey, Map.of("creator", "gatehouse-jenkins"));
        return new SignatureOutcome(digest, artifacts.manifestDigest().toString(), signingKey.keyId());
    }

    /** The OCI store signing uses; also what verification in tests reads. */
    public io.gatehouse.core.sign.SignatureStore signatureStore() {
        return new OciSignatureStore(http, settings.registryUrl(), this::authorize);
    }

    private void requireConfiguredRegistry(ImageArgument image) throws IOException {
        if (image.registry() != null && !image.registry().equals(settings.registryHost())) {
            throw new IOException(image + " is not in the configured registry " + settings.registryHost()
                    + ": name it without a host, or as " + settings.registryHost() + "/" + image.repository());
        }
    }

    private IOException notYet(String what) {
        return new IOException(what + " is not available from " + settings.registryHost()
                + " with this plugin version: the registry API it needs has not landed yet");
    }

    private Request.Builder authorize(Request.Builder b) {
        if (!auth.isAnonymous()) {
            if (auth.username() == null) {
                b.header("Authorization", "Bearer " + new String(auth.secret()));
            } else {
                // The header value is a String anyway; build it once, never log it.
                String pair = auth.username() + ":" + new String(auth.secret());
                b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return b;
    }
}
