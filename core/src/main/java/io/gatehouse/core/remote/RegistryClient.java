package io.gatehouse.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.ImageIndex;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * A client of one registry's HTTP API v2 (OCI distribution-spec v1.1): manifests, blobs, uploads, tags, catalog and
 * referrers, with authentication, retries and rate-limit handling inside, so callers only see content or a clear
 * {@link RegistryException}. Thread-safe; one instance per registry (tokens are cached per scope inside).
 * <p>
 * Shape after go-containerregistry's remote package and Jib's RegistryClient: one method per API call, everything
 * verified by digest, blobs streamed and never held in memory. This class is the public façade; each operation family
 * lives in its own package-private class ({@link ManifestPuller}, {@link ManifestPusher}, {@link BlobPuller},
 * {@link BlobPusher}, {@link TagLister}, {@link ReferrersLister}, {@link ManagementApiPoster}), all sending through one
 * {@link RegistryEndpoint} that holds the HTTP client, authentication, retries, bounded reads and error mapping.
 */
public final class RegistryClient {
    private final String registry;
    private final RegistryEndpoint endpoint;
    private final ManifestPuller manifestPuller;
    private final ManifestPusher manifestPusher;
    private final BlobPuller blobPuller;
    private final BlobPusher blobPusher;
    private final TagLister tagLister;
    private final ReferrersLister referrersLister;
    private final ManagementApiPoster apiPoster;

    RegistryClient(String registry, HttpUrl base, OkHttpClient http, Optional<Credentials> credentials, String credentialSource,
                   RetryPolicy retry, Clock clock) {
        this.registry = registry;
        // one endpoint (and so one token cache, request count and rate-limit status) shared by every operation
        this.endpoint = new RegistryEndpoint(registry, base, http, new Authenticator(registry, http, credentials, credentialSource, clock),
                retry, clock);
        this.manifestPuller = new ManifestPuller(endpoint);
        this.manifestPusher = new ManifestPusher(endpoint, manifestPuller);
        this.blobPuller = new BlobPuller(endpoint);
        this.blobPusher = new BlobPusher(endpoint);
        this.tagLister = new TagLister(endpoint);
        this.referrersLister = new ReferrersLister(endpoint, manifestPuller);
        this.apiPoster = new ManagementApiPoster(endpoint);
    }

    /** @param registry host[:port] as in an image reference's registry part (use ImageReference.registryHost()) */
    public static RegistryClientBuilder builder(String registry) {
        return new RegistryClientBuilder(registry);
    }

    /** host[:port] this client talks to. */
    public String registry() {
        return registry;
    }

    /** The last Docker Hub-style rate-limit headers seen, if this registry sends them. */
    public Optional<RateLimitStatus> rateLimit() {
        return endpoint.rateLimit();
    }

    /** Requests sent so far (including retries and token requests are not counted). */
    public long requestCount() {
        return endpoint.requestCount();
    }

    // ------------------------------------------------------------------------------------------------ base

    /**
     * POST to Gatehouse's management API ({@code /api/v1} + {@code path}) on this registry: JSON in, JSON out, with this
     * client's username and password as Basic auth (that API takes Basic; /v2's token flow does not apply). Sent once,
     * never retried, since it may start work; {@code timeout} bounds the wait for the answer (a server-side mirror
     * answers when it is done). A non-2xx answer is a {@link RegistryException} carrying the API's message.
     */
    public JsonNode postApi(String path, JsonNode body, Duration timeout) {
        return apiPoster.postApi(path, body, timeout);
    }

    /** GET /v2/: reachable and our credentials accepted. */
    public void ping() {
        endpoint.ping();
    }

    /**
     * A bearer token for exactly {@code scopes} (e.g. {@code repository:mirror/alpine:pull,push}) from the registry's
     * token service, fetched with this client's credentials: what to hand to a process that should act on those
     * repositories only, for a few minutes, instead of the credentials themselves. Empty when the registry needs no
     * authentication at all. Fails ({@link AuthenticationException}) when the registry authenticates without a token
     * service (Basic only) or refuses the credentials; the token service may grant less than asked (the intersection
     * with what the credentials hold), in which case the registry refuses the excess later.
     */
    public Optional<ScopedToken> scopedToken(List<String> scopes) {
        return endpoint.scopedToken(scopes);
    }

    // ------------------------------------------------------------------------------------------------ manifests

    /**
     * HEAD a manifest: its descriptor (media type, digest, size) or empty when the registry does not have it.
     * Docker Hub does not count HEAD requests against the pull quota, which is why mirroring compares digests this way.
     */
    public Optional<Descriptor> headManifest(RepositoryName repo, String reference) {
        return manifestPuller.headManifest(repo, reference);
    }

    /**
     * The digest {@code reference} points at, or empty when the registry does not have it. With {@code known} given,
     * the HEAD carries {@code If-None-Match} with it (registries use a manifest's digest as its ETag): a registry
     * that honours it answers {@code 304 Not Modified} for an unchanged tag without reading the manifest, which makes
     * an unchanged mirror rerun cheaper on the upstream; one that does not answers as to any HEAD.
     */
    public Optional<Digest> manifestDigest(RepositoryName repo, String reference, Digest known) {
        return manifestPuller.manifestDigest(repo, reference, known);
    }

    /**
     * GET a manifest by tag or digest, keeping its exact bytes. By digest, the bytes must hash to it; by tag, they must
     * hash to the Docker-Content-Digest header when the registry sends one. At most 4 MiB is read.
     */
    public Manifest getManifest(RepositoryName repo, String reference) {
        return manifestPuller.getManifest(repo, reference);
    }

    /** The answer to a manifest PUT. {@code subjectProcessed}: the registry sent OCI-Subject (it indexes referrers itself). */
    public record PushedManifest(Digest digest, boolean subjectProcessed) {
    }

    /**
     * PUT a manifest under a tag or its digest. Its blobs / child manifests must already be in the repository.
     * When the manifest has a subject and the registry does not index referrers (no OCI-Subject header), the
     * referrers tag-schema index {@code <alg>-<hex>} is updated as the distribution-spec asks clients to.
     */
    public PushedManifest putManifest(RepositoryName repo, String reference, Manifest manifest) {
        return manifestPusher.putManifest(repo, reference, manifest);
    }

    /** DELETE a manifest by digest (registries refuse deletion by tag). False when it was not there. */
    public boolean deleteManifest(RepositoryName repo, Digest digest) {
        return manifestPusher.deleteManifest(repo, digest);
    }

    // ------------------------------------------------------------------------------------------------ blobs

    /** HEAD a blob: its size, or empty when the repository does not have it. */
    public Optional<Long> headBlob(RepositoryName repo, Digest digest) {
        return blobPuller.headBlob(repo, digest);
    }

    /**
     * Opens a blob for streaming. The stream verifies size and digest as it goes and throws
     * {@link BlobVerificationException} (before returning the last bytes) on a mismatch or truncation. Close it.
     *
     * @param expectedSize the descriptor's size, or -1 to trust the Content-Length
     */
    public InputStream openBlob(RepositoryName repo, Digest digest, long expectedSize) {
        return blobPuller.openBlob(repo, digest, expectedSize);
    }

    /**
     * Downloads a blob to {@code target}: written to a temporary file beside it and moved into place only after the
     * digest matched, so a corrupt or cut download leaves nothing behind.
     */
    public void downloadBlob(RepositoryName repo, Digest digest, long expectedSize, Path target) throws IOException {
        blobPuller.downloadBlob(repo, digest, expectedSize, target);
    }

    /**
     * Cross-repository mount: asks the registry to link a blob it already holds in {@code from} into {@code repo},
     * without moving bytes. True when mounted; false when the registry declined (the started upload is cancelled).
     */
    public boolean mountBlob(RepositoryName repo, Digest digest, RepositoryName from) {
        return blobPusher.mountBlob(repo, digest, from);
    }

    /** Uploads a small blob from memory (configs, test data). */
    public void uploadBlob(RepositoryName repo, Digest digest, byte[] content) {
        blobPusher.uploadBlob(repo, digest, content);
    }

    /**
     * Monolithic upload (POST, then one PUT streaming the content). The stream is read exactly once, so this request is
     * not retried here; a caller that can reopen its source retries the whole upload. On failure the upload is cancelled.
     */
    public void uploadBlob(RepositoryName repo, Digest digest, long size, InputStream content, LongConsumer progress) {
        blobPusher.uploadBlob(repo, digest, size, content, progress);
    }

    /**
     * Chunked upload: PATCH {@code chunkSize} pieces with Content-Range, then PUT with the digest. For large blobs, so
     * that no single request is huge and proxies with body limits are passed.
     */
    public void uploadBlobChunked(RepositoryName repo, Digest digest, long size, InputStream content, long chunkSize, LongConsumer progress) {
        blobPusher.uploadBlobChunked(repo, digest, size, content, chunkSize, progress);
    }

    // ------------------------------------------------------------------------------------------------ discovery

    /** All tags, following {@code Link: rel="next"} pages. */
    public List<String> listTags(RepositoryName repo) {
        return listTags(repo, 1000);
    }

    public List<String> listTags(RepositoryName repo, int pageSize) {
        return tagLister.listTags(repo, pageSize);
    }

    /** All repository names of /v2/_catalog (the registry may show only what we may read). */
    public List<String> catalog(int pageSize) {
        return tagLister.catalog(pageSize);
    }

    /** Referrers of a manifest and where they came from. */
    public record Referrers(ImageIndex index, boolean fromApi) {
        public List<Descriptor> manifests() {
            return index.manifests();
        }
    }

    /**
     * The manifests that refer to {@code subject} (signatures, SBOMs, scan reports): the referrers API when the
     * registry has it, else the referrers tag schema ({@code sha256-<hex>} tag holding an index), as the
     * distribution-spec prescribes for older registries. {@code artifactType} (nullable) filters.
     */
    public Referrers referrers(RepositoryName repo, Digest subject, String artifactType) {
        return referrersLister.referrers(repo, subject, artifactType);
    }

    /** For tests and diagnostics: how many tokens are cached. */
    int cachedTokens() {
        return endpoint.cachedTokens();
    }

    @Override
    public String toString() {
        return "RegistryClient[" + endpoint.base() + "]";
    }
}
