package io.gatehouse.jenkins.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The real {@link GatehouseService}: talks to our registry over HTTP.
 *
 * <p>Done: connection test and digest resolution over the OCI Distribution API (/v2/), Basic auth.
 * Waiting for other branches (see docs/plugin.md, "Status"): the management routes /api/v1 for server-side
 * mirror, scan, promotion (branches auth/registry/scan/trust) and core.sign for signing. Until they land, those
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

    @Override
    public SignatureOutcome sign(ImageArgument image, SigningKey key) throws IOException {
        throw notYet("signing (core.sign)");
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
