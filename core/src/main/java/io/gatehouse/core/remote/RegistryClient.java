package io.gatehouse.core.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.ImageIndex;
import io.gatehouse.core.model.InvalidManifestException;
import io.gatehouse.core.model.Json;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of one registry's HTTP API v2 (OCI distribution-spec v1.1): manifests, blobs, uploads, tags, catalog and
 * referrers, with authentication, retries and rate-limit handling inside, so callers only see content or a clear
 * {@link RegistryException}. Thread-safe; one instance per registry (tokens are cached per scope inside).
 * <p>
 * Shape after go-containerregistry's remote package and Jib's RegistryClient: one method per API call, everything
 * verified by digest, blobs streamed and never held in memory.
 */
public final class RegistryClient {
    private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
    private static final MediaType OCTET = MediaType.get("application/octet-stream");
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final int ERROR_BODY_LIMIT = 8 * 1024;

    private final String registry;
    private final HttpUrl base;
    private final OkHttpClient http;
    private final Authenticator auth;
    private final RetryPolicy retry;
    private final Clock clock;
    private final AtomicReference<RateLimitStatus> lastRateLimit = new AtomicReference<>();
    private final AtomicLong requestCount = new AtomicLong();

    RegistryClient(String registry, HttpUrl base, OkHttpClient http, Optional<Credentials> credentials, String credentialSource,
                   RetryPolicy retry, Clock clock) {
        this.registry = registry;
        this.base = base;
        this.http = http;
        this.retry = retry;
        this.clock = clock;
        this.auth = new Authenticator(registry, http, credentials, credentialSource, clock);
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
        return Optional.ofNullable(lastRateLimit.get());
    }

    /** Requests sent so far (including retries and token requests are not counted). */
    public long requestCount() {
        return requestCount.get();
    }

    // ------------------------------------------------------------------------------------------------ base

    /**
     * POST to Gatehouse's management API ({@code /api/v1} + {@code path}) on this registry: JSON in, JSON out, with this
     * client's username and password as Basic auth (that API takes Basic; /v2's token flow does not apply). Sent once,
     * never retried, since it may start work; {@code timeout} bounds the wait for the answer (a server-side mirror
     * answers when it is done). A non-2xx answer is a {@link RegistryException} carrying the API's message.
     */
    public JsonNode postApi(String path, JsonNode body, Duration timeout) {
        HttpUrl url = url("/api/v1" + path);
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request body: " + e.getOriginalMessage(), e);
        }
        Request.Builder rb = new Request.Builder().url(url).post(RequestBody.create(json, MediaType.get("application/json")));
        String basic = auth.basicHeader();
        if (basic != null) rb.header("Authorization", basic);
        OkHttpClient patient = http.newBuilder().callTimeout(timeout).readTimeout(timeout).build();
        requestCount.incrementAndGet();
        try (Response r = patient.newCall(rb.build()).execute()) {
            if (!r.isSuccessful()) throw error("POST", url.encodedPath(), r);
            return readJson(r, url.encodedPath());
        } catch (InterruptedIOException e) {
            throw new RegistryException("POST " + url.encodedPath() + " on " + registry + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new RegistryException("POST " + url.encodedPath() + " on " + registry + " failed: " + e.getMessage(), e);
        }
    }

    /** GET /v2/: reachable and our credentials accepted. */
    public void ping() {
        try (Response r = send("GET", url("/v2/"), null, List.of(), true)) {
            if (!r.isSuccessful()) throw error("GET", "/v2/", r);
        }
    }

    // ------------------------------------------------------------------------------------------------ manifests

    /**
     * HEAD a manifest: its descriptor (media type, digest, size) or empty when the registry does not have it.
     * Docker Hub does not count HEAD requests against the pull quota, which is why mirroring compares digests this way.
     */
    public Optional<Descriptor> headManifest(RepositoryName repo, String reference) {
        String path = "/v2/" + repo + "/manifests/" + reference;
        try (Response r = send("HEAD", url(path), null, List.of(pull(repo)), true)) {
            return describeHead(r, repo, reference, path);
        }
    }

    /** A manifest HEAD's answer: empty on 404, the descriptor from its headers (a GET when they lack the digest). */
    private Optional<Descriptor> describeHead(Response r, RepositoryName repo, String reference, String path) {
        if (r.code() == 404) return Optional.empty();
        if (!r.isSuccessful()) throw error("HEAD", path, r);
        String digest = r.header("Docker-Content-Digest");
        if (digest == null) {
            if (Digest.isDigest(reference)) digest = reference;
            else return Optional.of(getManifest(repo, reference).descriptor());
        }
        String type = contentType(r);
        long size = parseLong(r.header("Content-Length"), -1);
        return Optional.of(Descriptor.of(type == null ? MediaTypes.OCI_MANIFEST : type, Digest.parse(digest), Math.max(size, 0)));
    }

    /**
     * The digest {@code reference} points at, or empty when the registry does not have it. With {@code known} given,
     * the HEAD carries {@code If-None-Match} with it (registries use a manifest's digest as its ETag): a registry
     * that honours it answers {@code 304 Not Modified} for an unchanged tag without reading the manifest, which makes
     * an unchanged mirror rerun cheaper on the upstream; one that does not answers as to any HEAD.
     */
    public Optional<Digest> manifestDigest(RepositoryName repo, String reference, Digest known) {
        String path = "/v2/" + repo + "/manifests/" + reference;
        Headers conditional = known == null ? null : Headers.of("If-None-Match", "\"" + known + "\"");
        try (Response r = send("HEAD", url(path), null, List.of(pull(repo)), true, conditional)) {
            if (known != null && r.code() == 304) return Optional.of(known);
            return describeHead(r, repo, reference, path).map(Descriptor::digest);
        }
    }

    /**
     * GET a manifest by tag or digest, keeping its exact bytes. By digest, the bytes must hash to it; by tag, they must
     * hash to the Docker-Content-Digest header when the registry sends one. At most 4 MiB is read.
     */
    public Manifest getManifest(RepositoryName repo, String reference) {
        String path = "/v2/" + repo + "/manifests/" + reference;
        byte[] bytes;
        String type;
        String headerDigest;
        for (int attempt = 1; ; attempt++) {
            try (Response r = send("GET", url(path), null, List.of(pull(repo)), true)) {
                if (!r.isSuccessful()) throw error("GET", path, r);
                type = contentType(r);
                headerDigest = r.header("Docker-Content-Digest");
                long declared = parseLong(r.header("Content-Length"), -1);
                if (declared > Manifest.MAX_BYTES) throw new InvalidManifestException("manifest " + repo + ":" + reference + " is larger than 4 MiB");
                bytes = readLimited(r.body().byteStream(), Manifest.MAX_BYTES);
                break;
            } catch (IOException e) {
                // a truncated body: retry like a connection error
                if (attempt >= retry.maxAttempts()) throw new RegistryException("reading manifest " + repo + ":" + reference + " from " + registry + " failed: " + e.getMessage(), e);
                sleep(retry.backoff(attempt));
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

    /** The answer to a manifest PUT. {@code subjectProcessed}: the registry sent OCI-Subject (it indexes referrers itself). */
    public record PushedManifest(Digest digest, boolean subjectProcessed) {
    }

    /**
     * PUT a manifest under a tag or its digest. Its blobs / child manifests must already be in the repository.
     * When the manifest has a subject and the registry does not index referrers (no OCI-Subject header), the
     * referrers tag-schema index {@code <alg>-<hex>} is updated as the distribution-spec asks clients to.
     */
    public PushedManifest putManifest(RepositoryName repo, String reference, Manifest manifest) {
        String path = "/v2/" + repo + "/manifests/" + reference;
        RequestBody body = RequestBody.create(manifest.rawBytes(), MediaType.get(manifest.mediaType()));
        boolean subjectProcessed;
        try (Response r = send("PUT", url(path), body, List.of(push(repo)), true)) {
            if (r.code() != 201 && !r.isSuccessful()) throw error("PUT", path, r);
            String d = r.header("Docker-Content-Digest");
            if (d != null && Digest.isDigest(d) && Digest.parse(d).algorithm().equals(manifest.digest().algorithm())
                    && !Digest.parse(d).equals(manifest.digest())) {
                throw new RegistryException(registry + " stored manifest " + repo + ":" + reference + " under digest " + d
                        + " but we sent " + manifest.digest(), r.code(), List.of("DIGEST_INVALID"));
            }
            subjectProcessed = r.header("OCI-Subject") != null;
        }
        Descriptor subject = manifest.subject();
        if (subject != null && !subjectProcessed) addToReferrersTag(repo, subject.digest(), manifest);
        return new PushedManifest(manifest.digest(), subjectProcessed);
    }

    /** DELETE a manifest by digest (registries refuse deletion by tag). False when it was not there. */
    public boolean deleteManifest(RepositoryName repo, Digest digest) {
        String path = "/v2/" + repo + "/manifests/" + digest;
        try (Response r = send("DELETE", url(path), null, List.of(repo("delete", repo)), true)) {
            if (r.code() == 404) return false;
            if (!r.isSuccessful()) throw error("DELETE", path, r);
            return true;
        }
    }

    // ------------------------------------------------------------------------------------------------ blobs

    /** HEAD a blob: its size, or empty when the repository does not have it. */
    public Optional<Long> headBlob(RepositoryName repo, Digest digest) {
        String path = "/v2/" + repo + "/blobs/" + digest;
        try (Response r = send("HEAD", url(path), null, List.of(pull(repo)), true)) {
            if (r.code() == 404) return Optional.empty();
            if (!r.isSuccessful()) throw error("HEAD", path, r);
            return Optional.of(parseLong(r.header("Content-Length"), -1));
        }
    }

    /**
     * Opens a blob for streaming. The stream verifies size and digest as it goes and throws
     * {@link BlobVerificationException} (before returning the last bytes) on a mismatch or truncation. Close it.
     *
     * @param expectedSize the descriptor's size, or -1 to trust the Content-Length
     */
    public InputStream openBlob(RepositoryName repo, Digest digest, long expectedSize) {
        String path = "/v2/" + repo + "/blobs/" + digest;
        Response r = send("GET", url(path), null, List.of(pull(repo)), true);
        if (!r.isSuccessful()) {
            try (r) {
                throw error("GET", path, r);
            }
        }
        long size = expectedSize >= 0 ? expectedSize : parseLong(r.header("Content-Length"), -1);
        // closing the body stream releases the response and its connection
        return new DigestVerifyingInputStream(r.body().byteStream(), digest, size);
    }

    /**
     * Downloads a blob to {@code target}: written to a temporary file beside it and moved into place only after the
     * digest matched, so a corrupt or cut download leaves nothing behind.
     */
    public void downloadBlob(RepositoryName repo, Digest digest, long expectedSize, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".blob-", ".part");
        try (InputStream in = openBlob(repo, digest, expectedSize); OutputStream out = Files.newOutputStream(tmp)) {
            in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Cross-repository mount: asks the registry to link a blob it already holds in {@code from} into {@code repo},
     * without moving bytes. True when mounted; false when the registry declined (the started upload is cancelled).
     */
    public boolean mountBlob(RepositoryName repo, Digest digest, RepositoryName from) {
        HttpUrl u = url("/v2/" + repo + "/blobs/uploads/").newBuilder()
                .addQueryParameter("mount", digest.toString()).addQueryParameter("from", from.value()).build();
        String path = "/v2/" + repo + "/blobs/uploads/?mount";
        try (Response r = send("POST", u, RequestBody.create(new byte[0], OCTET), List.of(push(repo), pull(from)), true)) {
            if (r.code() == 201) return true;
            if (r.code() == 202) {
                cancelUpload(r);
                return false;
            }
            throw error("POST", path, r);
        }
    }

    /** Uploads a small blob from memory (configs, test data). */
    public void uploadBlob(RepositoryName repo, Digest digest, byte[] content) {
        HttpUrl location = startUpload(repo);
        HttpUrl put = location.newBuilder().addQueryParameter("digest", digest.toString()).build();
        try (Response r = send("PUT", put, RequestBody.create(content, OCTET), List.of(push(repo)), true)) {
            if (r.code() != 201 && !r.isSuccessful()) throw error("PUT", "/v2/" + repo + "/blobs/uploads/…", r);
        }
    }

    /**
     * Monolithic upload (POST, then one PUT streaming the content). The stream is read exactly once, so this request is
     * not retried here; a caller that can reopen its source retries the whole upload. On failure the upload is cancelled.
     */
    public void uploadBlob(RepositoryName repo, Digest digest, long size, InputStream content, LongConsumer progress) {
        HttpUrl location = startUpload(repo);
        HttpUrl put = location.newBuilder().addQueryParameter("digest", digest.toString()).build();
        try (Response r = send("PUT", put, streaming(content, size, progress), List.of(push(repo)), false)) {
            if (r.code() != 201 && !r.isSuccessful()) throw error("PUT", "/v2/" + repo + "/blobs/uploads/…", r);
        } catch (RuntimeException e) {
            cancelQuietly(location, repo);
            throw e;
        }
    }

    /**
     * Chunked upload: PATCH {@code chunkSize} pieces with Content-Range, then PUT with the digest. For large blobs, so
     * that no single request is huge and proxies with body limits are passed.
     */
    public void uploadBlobChunked(RepositoryName repo, Digest digest, long size, InputStream content, long chunkSize, LongConsumer progress) {
        HttpUrl location = startUpload(repo);
        try {
            long offset = 0;
            while (offset < size) {
                long len = Math.min(chunkSize, size - offset);
                Headers extra = Headers.of("Content-Range", offset + "-" + (offset + len - 1));
                try (Response r = send("PATCH", location, streaming(content, len, progress), List.of(push(repo)), false, extra)) {
                    if (r.code() != 202 && !r.isSuccessful()) throw error("PATCH", "/v2/" + repo + "/blobs/uploads/…", r);
                    String loc = r.header("Location");
                    if (loc != null) location = r.request().url().resolve(loc);
                }
                offset += len;
            }
            HttpUrl put = location.newBuilder().addQueryParameter("digest", digest.toString()).build();
            try (Response r = send("PUT", put, RequestBody.create(new byte[0], OCTET), List.of(push(repo)), false)) {
                if (r.code() != 201 && !r.isSuccessful()) throw error("PUT", "/v2/" + repo + "/blobs/uploads/…", r);
            }
        } catch (RuntimeException e) {
            cancelQuietly(location, repo);
            throw e;
        }
    }

    private HttpUrl startUpload(RepositoryName repo) {
        String path = "/v2/" + repo + "/blobs/uploads/";
        try (Response r = send("POST", url(path), RequestBody.create(new byte[0], OCTET), List.of(push(repo)), true)) {
            if (r.code() != 202) throw error("POST", path, r);
            String loc = r.header("Location");
            if (loc == null) throw new RegistryException(registry + " started an upload without a Location header", r.code(), List.of());
            HttpUrl u = r.request().url().resolve(loc);
            if (u == null) throw new RegistryException(registry + " sent an upload Location that is not a URL", r.code(), List.of());
            return u;
        }
    }

    private void cancelUpload(Response r) {
        String loc = r.header("Location");
        if (loc == null) return;
        HttpUrl u = r.request().url().resolve(loc);
        if (u == null) return;
        try (Response ignored = http.newCall(authorized(new Request.Builder().url(u).delete(), List.of()).build()).execute()) {
            // best effort: the registry expires abandoned uploads anyway
        } catch (IOException e) {
            log.debug("cancelling upload failed: {}", e.toString());
        }
    }

    private void cancelQuietly(HttpUrl location, RepositoryName repo) {
        try (Response ignored = send("DELETE", location, null, List.of(push(repo)), false)) {
            // best effort
        } catch (RuntimeException e) {
            log.debug("cancelling upload on {} failed: {}", registry, e.getMessage());
        }
    }

    private static RequestBody streaming(InputStream in, long length, LongConsumer progress) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return OCTET;
            }

            @Override
            public long contentLength() {
                return length;
            }

            @Override
            public boolean isOneShot() {
                return true;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                byte[] buf = new byte[64 * 1024];
                long left = length;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) throw new BlobVerificationException("source ended " + left + " bytes early");
                    sink.write(buf, 0, n);
                    left -= n;
                    if (progress != null) progress.accept(n);
                }
            }
        };
    }

    // ------------------------------------------------------------------------------------------------ discovery

    /** All tags, following {@code Link: rel="next"} pages. */
    public List<String> listTags(RepositoryName repo) {
        return listTags(repo, 1000);
    }

    public List<String> listTags(RepositoryName repo, int pageSize) {
        List<String> tags = new ArrayList<>();
        HttpUrl next = url("/v2/" + repo + "/tags/list").newBuilder().addQueryParameter("n", Integer.toString(pageSize)).build();
        String path = "/v2/" + repo + "/tags/list";
        while (next != null) {
            try (Response r = send("GET", next, null, List.of(pull(repo)), true)) {
                if (!r.isSuccessful()) throw error("GET", path, r);
                JsonNode body = readJson(r, path);
                for (JsonNode t : body.path("tags")) tags.add(t.asText());
                next = nextLink(r);
            }
        }
        return tags;
    }

    /** All repository names of /v2/_catalog (the registry may show only what we may read). */
    public List<String> catalog(int pageSize) {
        List<String> repos = new ArrayList<>();
        HttpUrl next = url("/v2/_catalog").newBuilder().addQueryParameter("n", Integer.toString(pageSize)).build();
        while (next != null) {
            try (Response r = send("GET", next, null, List.of("registry:catalog:*"), true)) {
                if (!r.isSuccessful()) throw error("GET", "/v2/_catalog", r);
                for (JsonNode t : readJson(r, "/v2/_catalog").path("repositories")) repos.add(t.asText());
                next = nextLink(r);
            }
        }
        return repos;
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
        String path = "/v2/" + repo + "/referrers/" + subject;
        HttpUrl u = url(path);
        if (artifactType != null) u = u.newBuilder().addQueryParameter("artifactType", artifactType).build();
        List<Descriptor> all = new ArrayList<>();
        boolean filtered = false;
        HttpUrl next = u;
        while (next != null) {
            try (Response r = send("GET", next, null, List.of(pull(repo)), true)) {
                if (r.code() == 404 && all.isEmpty() && next == u) return fromTagSchema(repo, subject, artifactType);
                if (!r.isSuccessful()) throw error("GET", path, r);
                filtered |= r.header("OCI-Filters-Applied") != null;
                byte[] bytes = readLimited(r.body().byteStream(), Manifest.MAX_BYTES);
                ImageIndex page = Json.MAPPER.readValue(bytes, ImageIndex.class);
                all.addAll(page.manifests());
                next = nextLink(r);
            } catch (IOException e) {
                throw new RegistryException("reading referrers of " + subject + " from " + registry + " failed: " + e.getMessage(), e);
            }
        }
        if (artifactType != null && !filtered) all.removeIf(d -> !artifactType.equals(d.artifactType()));
        return new Referrers(ImageIndex.of(MediaTypes.OCI_INDEX, all, null), true);
    }

    private Referrers fromTagSchema(RepositoryName repo, Digest subject, String artifactType) {
        Optional<Manifest> idx = fallbackIndex(repo, subject);
        List<Descriptor> list = new ArrayList<>(idx.map(m -> m.isIndex() ? m.index().manifests() : List.<Descriptor>of()).orElse(List.of()));
        if (artifactType != null) list.removeIf(d -> !artifactType.equals(d.artifactType()));
        return new Referrers(ImageIndex.of(MediaTypes.OCI_INDEX, list, null), false);
    }

    private Optional<Manifest> fallbackIndex(RepositoryName repo, Digest subject) {
        try {
            return Optional.of(getManifest(repo, subject.toTagForm()));
        } catch (RegistryException e) {
            if (e.isNotFound()) return Optional.empty();
            throw e;
        }
    }

    private void addToReferrersTag(RepositoryName repo, Digest subject, Manifest referrer) {
        Optional<Manifest> current = fallbackIndex(repo, subject);
        List<Descriptor> entries = new ArrayList<>(current.filter(Manifest::isIndex).map(m -> m.index().manifests()).orElse(List.of()));
        if (entries.stream().anyMatch(d -> d.digest().equals(referrer.digest()))) return;
        Map<String, String> ann = referrer.isIndex() ? referrer.index().annotations() : referrer.image().annotations();
        entries.add(new Descriptor(referrer.mediaType(), referrer.digest(), referrer.size(), null, ann, null, null, referrer.artifactType()));
        Manifest updated = Manifest.of(ImageIndex.of(MediaTypes.OCI_INDEX, entries, null));
        putManifest(repo, subject.toTagForm(), updated);
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private static String pull(RepositoryName repo) {
        return "repository:" + repo + ":pull";
    }

    private static String push(RepositoryName repo) {
        return "repository:" + repo + ":pull,push";
    }

    private static String repo(String action, RepositoryName repo) {
        return "repository:" + repo + ":" + action;
    }

    private HttpUrl url(String path) {
        HttpUrl u = base.resolve(path);
        if (u == null) throw new IllegalArgumentException("bad path " + path);
        return u;
    }

    private Response send(String method, HttpUrl url, RequestBody body, List<String> scopes, boolean replayable) {
        return send(method, url, body, scopes, replayable, null);
    }

    /**
     * Sends one request with authentication, retries (5xx, connection errors: exponential backoff with jitter; only
     * when the body can be sent again) and 429 handling. Returns the final response for the caller to check.
     */
    private Response send(String method, HttpUrl url, RequestBody body, List<String> scopes, boolean replayable, Headers extraHeaders) {
        int attempt = 0;
        int authRounds = 0;
        int rateWaits = 0;
        List<String> effectiveScopes = scopes;
        while (true) {
            Request.Builder rb = new Request.Builder();
            if (extraHeaders != null) rb.headers(extraHeaders);
            rb.url(url).method(method, body);
            if (url.encodedPath().contains("/manifests/")) rb.header("Accept", MediaTypes.MANIFEST_ACCEPT);
            Request request;
            try {
                request = authorized(rb, effectiveScopes).build();
            } catch (IOException e) {
                attempt++;
                if (attempt >= retry.maxAttempts()) throw new RegistryException("cannot reach the token service of " + registry + ": " + e.getMessage(), e);
                sleep(retry.backoff(attempt));
                continue;
            }
            Response r;
            requestCount.incrementAndGet();
            try {
                r = http.newCall(request).execute();
            } catch (ProtocolException e) {
                if (String.valueOf(e.getMessage()).contains("follow-up")) {
                    throw new RegistryException(method + " " + url.encodedPath() + " on " + registry + " was redirected too many times (a redirect loop?)", e);
                }
                throw new RegistryException(method + " " + url.encodedPath() + " on " + registry + ": protocol error: " + e.getMessage(), e);
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) throw new RegistryException("interrupted", e);
                attempt++;
                if (!replayable || attempt >= retry.maxAttempts()) throw unreachable(method, url, attempt, e);
                sleep(retry.backoff(attempt));
                continue;
            } catch (IOException e) {
                if (e instanceof BlobVerificationException bve) throw new RegistryException(bve.getMessage(), bve);
                attempt++;
                if (!replayable || attempt >= retry.maxAttempts()) throw unreachable(method, url, attempt, e);
                log.debug("{} {} on {} failed ({}), retry {}", method, url.encodedPath(), registry, e.toString(), attempt);
                sleep(retry.backoff(attempt));
                continue;
            }
            RateLimitStatus rl = RateLimitStatus.parse(r);
            if (rl != null) lastRateLimit.set(rl);
            log.debug("{} {} on {} -> {}", method, url.encodedPath(), registry, r.code());
            if (r.code() == 401 && authRounds < 2) {
                List<AuthChallenge> challenges = AuthChallenge.parse(String.join(", ", r.headers("WWW-Authenticate")));
                boolean had = request.header("Authorization") != null;
                if (auth.onUnauthorized(challenges, effectiveScopes, had) && replayable) {
                    r.close();
                    authRounds++;
                    effectiveScopes = auth.challengeScopes(effectiveScopes);
                    continue;
                }
                return r;
            }
            if (r.code() == 429) {
                Duration wait = retryAfter(r);
                if (wait != null && replayable && wait.compareTo(retry.maxRateLimitWait()) <= 0 && rateWaits < retry.maxRateLimitWaits()) {
                    r.close();
                    rateWaits++;
                    log.warn("{} is rate limiting us (429); waiting {}s as Retry-After asks{}", registry, Math.max(1, wait.toSeconds()),
                            rl != null ? " (" + rl + ")" : "");
                    sleep(wait);
                    continue;
                }
                r.close();
                throw rateLimited(wait, rl);
            }
            if (isRetryableStatus(r.code()) && replayable && attempt + 1 < retry.maxAttempts()) {
                r.close();
                attempt++;
                log.debug("{} {} on {} answered {}, retry {}", method, url.encodedPath(), registry, r.code(), attempt);
                sleep(retry.backoff(attempt));
                continue;
            }
            return r;
        }
    }

    private Request.Builder authorized(Request.Builder rb, List<String> scopes) throws IOException {
        String h = auth.authorization(auth.challengeScopes(scopes));
        if (h != null) rb.header("Authorization", h);
        return rb;
    }

    private static boolean isRetryableStatus(int code) {
        return code == 500 || code == 502 || code == 503 || code == 504;
    }

    private RegistryException unreachable(String method, HttpUrl url, int attempts, IOException e) {
        return new RegistryException("cannot reach " + registry + " (" + method + " " + url.encodedPath() + ", " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + "): " + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : ""), e);
    }

    private RateLimitedException rateLimited(Duration wait, RateLimitStatus rl) {
        Instant now = clock.instant();
        Instant resumes = wait != null ? now.plus(wait) : (rl != null && rl.windowSeconds() > 0 ? now.plusSeconds(rl.windowSeconds()) : null);
        StringBuilder sb = new StringBuilder(registry).append(" rate limit reached (HTTP 429 Too Many Requests)");
        if (rl != null) sb.append(": ").append(rl);
        if (resumes != null) {
            sb.append("; the quota returns ").append(wait != null ? "at " : "by ").append(resumes.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    .append(" (in ").append(human(Duration.between(now, resumes))).append(")");
        } else {
            sb.append("; the registry did not say when the quota returns");
        }
        sb.append(". Stopped instead of waiting; run again after that.");
        return new RateLimitedException(sb.toString(), resumes, rl);
    }

    private static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) return s + "s";
        if (s < 3600) return (s / 60) + "m";
        return (s / 3600) + "h " + (s % 3600) / 60 + "m";
    }

    private Duration retryAfter(Response r) {
        String v = r.header("Retry-After");
        if (v == null) return null;
        v = v.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                return Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while waiting to retry", e);
        }
    }

    private RegistryException error(String method, String path, Response r) {
        List<String> codes = new ArrayList<>();
        String detail = null;
        try {
            String ct = r.header("Content-Type", "");
            if (r.body() != null && ct.contains("json")) {
                byte[] b = readLimited(r.body().byteStream(), ERROR_BODY_LIMIT);
                JsonNode n = Json.MAPPER.readTree(b);
                for (JsonNode e : n.path("errors")) {
                    codes.add(e.path("code").asText());
                    if (detail == null) detail = e.path("message").asText(null);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // an error body we cannot read: the status says enough
        }
        String msg = method + " " + path + " on " + registry + " failed: HTTP " + r.code()
                + (codes.isEmpty() ? "" : " " + String.join(",", codes)) + (detail != null ? ": " + clip(detail) : "");
        if (r.code() == 401 || r.code() == 403) {
            return new AuthenticationException(msg + (r.code() == 401 ? " (credentials missing or refused" + auth.sourceHint() + ")" : " (not allowed)"), r.code());
        }
        return new RegistryException(msg, r.code(), codes);
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private static JsonNode readJson(Response r, String path) {
        try {
            return Json.MAPPER.readTree(readLimited(r.body().byteStream(), 64 * 1024 * 1024));
        } catch (IOException e) {
            throw new RegistryException("reading " + path + " failed: " + e.getMessage(), e);
        }
    }

    private HttpUrl nextLink(Response r) {
        for (String link : r.headers("Link")) {
            Matcher m = LINK_NEXT.matcher(link);
            if (m.find()) return r.request().url().resolve(m.group(1));
        }
        return null;
    }

    private static String contentType(Response r) {
        String ct = r.header("Content-Type");
        return ct == null ? null : ct.split(";")[0].strip();
    }

    private static long parseLong(String s, long dflt) {
        if (s == null) return dflt;
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static byte[] readLimited(InputStream in, int limit) throws IOException {
        byte[] b = in.readNBytes(limit + 1);
        if (b.length > limit) throw new InvalidManifestException("response larger than " + limit + " bytes");
        return b;
    }

    /** For tests and diagnostics: how many tokens are cached. */
    int cachedTokens() {
        return auth.cachedTokens();
    }

    @Override
    public String toString() {
        return "RegistryClient[" + base + "]";
    }
}
