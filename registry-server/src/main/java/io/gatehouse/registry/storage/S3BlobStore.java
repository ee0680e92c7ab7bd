package io.gatehouse.registry.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.reference.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Blobs in an S3 bucket (AWS or any S3-compatible store), with the AWS SDK for Java v2:
 * <pre>
 *   &lt;prefix&gt;blobs/&lt;algorithm&gt;/&lt;first two hex&gt;/&lt;hex&gt;   committed, immutable, named by digest
 *   &lt;prefix&gt;uploads/&lt;id&gt;/data                        the multipart upload of a session, completed only to commit
 *   &lt;prefix&gt;uploads/&lt;id&gt;/tail-&lt;offset&gt;                 bytes after the last full part, until the next chunk
 * </pre>
 * <b>Uploads stream.</b> A chunk whose length is known goes straight from the request into S3 UploadParts of exactly
 * {@code part_size} bytes, hashed on the way and copied into one local file of at most one part (so a part whose
 * request fails can be sent again from there); a chunk of unknown length fills that file a part at a time and sends
 * it from there. Bytes after the last full part become the tail object, which the next chunk (on any replica) reads
 * back and sends first. So a push holds at most one part on local disk and none in the heap, and every part but the
 * last is exactly {@code part_size} (S3 wants at least 5 MiB). The session's cursor
 * (multipart id, the parts' ETags, the tail's key) and the digest state go into the database row after each chunk.
 * <p>
 * <b>Visibility.</b> The multipart upload lives under the upload's key, not the blob's: the digest is only known at
 * the closing PUT, after the parts went up. Commit completes it (the tail as last part) and then copies the object
 * server-side to {@code blobs/…}: a copy in S3 appears whole or not at all, and only after the registry verified the
 * digest from the bytes it streamed. A blob of at most one part (configs, small layers) is one copy of its tail.
 * A crash at any point leaves objects only under {@code uploads/}, which the orphan sweep removes.
 * <p>
 * <b>Faults.</b> Connection failures, timeouts and 5xx/503 SlowDown answers (after the SDK's retries) become
 * {@link StorageUnavailableException}; the session stays at its last saved cursor and the client may retry.
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** S3's largest single-request copy; larger blobs are copied part by part. */
    private static final long MAX_COPY = 5L << 30;
    private static final long COPY_PART = 1L << 30;
    private static final int BUFFER = 1 << 20;

    /** The store's part of a session: JSON in the uploads row. */
    record State(int partSize, String uploadId, List<String> etags, String tail, boolean sealed) {
        State {
            etags = etags == null ? List.of() : List.copyOf(etags);
        }

        static State parse(String json, int defaultPartSize) throws IOException {
            if (json == null || json.isBlank()) return new State(defaultPartSize, null, List.of(), null, false);
            return JSON.readValue(json, State.class);
        }

        String json() {
            try {
                return JSON.writeValueAsString(this);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        long partsLength() {
            return (long) etags.size() * partSize;
        }
    }

    private final S3Settings settings;
    private final S3Client s3;
    /** For parts streamed from a request body: that body cannot be sent twice, so this client never retries. */
    private final S3Client once;
    private final S3Presigner presigner;
    private final Path buffers;

    public S3BlobStore(S3Settings settings, Path dataDir) throws IOException {
        this(settings, dataDir, null);
    }

    /** With {@code observer} on both clients (tests: the requests as signed, before they are sent). */
    S3BlobStore(S3Settings settings, Path dataDir, ExecutionInterceptor observer) throws IOException {
        this.settings = settings;
        this.buffers = dataDir.resolve("s3-buffers");
        Files.createDirectories(buffers);
        // Part buffers left by a crash: their requests are gone. Only old ones, as another process (a replica sharing
        // this data_dir in a test) may be using its own right now; a live buffer lives as long as one part's request.
        long before = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        try (DirectoryStream<Path> old = Files.newDirectoryStream(buffers)) {
            for (Path p : old) {
                if (Files.getLastModifiedTime(p).toMillis() < before) Files.deleteIfExists(p);
            }
        }
        AwsCredentialsProvider credentials = settings.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
        this.s3 = client(credentials, true, observer);
        this.once = client(credentials, false, observer);
        S3Presigner.Builder p = S3Presigner.builder().region(Region.of(settings.region())).credentialsProvider(credentials)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyle()).build());
        if (settings.endpoint() != null) p.endpointOverride(settings.endpoint());
        this.presigner = p.build();
        LOG.info("blobs in S3 bucket {} (prefix '{}', {}, {} credentials, parts of {} MiB{})", settings.bucket(), settings.prefix(),
                settings.endpoint() == null ? "AWS " + settings.region() : settings.endpoint(),
                settings.accessKey() == null ? "default-chain" : "configured", settings.partSize() >> 20,
                settings.redirect() ? ", pulls redirected to presigned URLs" : "");
        if (!JdkSha256State.AVAILABLE) {
            LOG.info("resumable upload digests use Bouncy Castle's SHA-256: start with java -jar (or add {}) for the JDK's, "
                    + "several times faster", String.join(" ", RunningDigest.JDK_DIGEST_OPTIONS));
        }
    }

    private S3Client client(AwsCredentialsProvider credentials, boolean retries, ExecutionInterceptor observer) {
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        S3ClientBuilder b = S3Client.builder()
                .httpClient(http)
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // parts and objects go out with their length and unsigned, as over HTTPS, on http:// endpoints too
                .putAuthScheme(new UnsignedStreamingScheme())
                // S3-compatible stores (S3Proxy, MinIO, Ceph) do not all take the SDK's newer default checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        b.overrideConfiguration(o -> {
            if (!retries) o.retryStrategy(AwsRetryStrategy.doNotRetry());
            if (observer != null) o.addExecutionInterceptor(observer);
        });
        if (settings.endpoint() != null) b.endpointOverride(settings.endpoint());
        return b.build();
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public boolean available() {
        try {
            call("HEAD bucket " + bucket(), () -> s3.headBucket(r -> r.bucket(bucket())));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes the SDK clients (the registry's shutdown). */
    @Override
    public void close() {
        s3.close();
        once.close();
        presigner.close();
    }

    // ---------------------------------------------------------------- keys

    private String blobKey(Digest d) {
        return settings.prefix() + "blobs/" + d.algorithm() + "/" + d.hex().substring(0, 2) + "/" + d.hex();
    }

    private String uploadPrefix(String id) {
        if (!id.matches("[A-Za-z0-9-]{1,64}")) throw new IllegalArgumentException("bad upload id");
        return settings.prefix() + "uploads/" + id + "/";
    }

    private String dataKey(String id) {
        return uploadPrefix(id) + "data";
    }

    private String bucket() {
        return settings.bucket();
    }

    // ---------------------------------------------------------------- errors

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    /** Runs S3 calls, turning the SDK's exceptions into the store's: unreachable → StorageUnavailableException. */
    private static <T> T call(String what, Call<T> op) throws IOException {
        try {
            return op.run();
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(what);
        } catch (S3Exception e) {
            throw translate(what, e);
        } catch (SdkClientException e) {
            throw new StorageUnavailableException("S3 " + what + ": " + firstLine(e.getMessage()), e);
        } catch (SdkException e) {
            throw new IOException("S3 " + what + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static IOException translate(String what, S3Exception e) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String detail = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        String text = "S3 " + what + ": " + (code == null ? "" : code + " ") + "(HTTP " + status + ")"
                + (detail == null || detail.isBlank() ? "" : ": " + firstLine(detail));
        if (status >= 500 || status == 429 || status == 408) return new StorageUnavailableException(text, e);
        if (status == 404 && !"NoSuchBucket".equals(code) && !"NoSuchUpload".equals(code)) return new NoSuchFileException(text);
        return new IOException(text, e);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---------------------------------------------------------------- committed blobs

    private Optional<HeadObjectResponse> head(String key) throws IOException {
        try {
            return Optional.of(call("HEAD " + key, () -> s3.headObject(r -> r.bucket(bucket()).key(key))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public OptionalLong stat(Digest digest) throws IOException {
        return head(blobKey(digest)).map(h -> OptionalLong.of(h.contentLength())).orElse(OptionalLong.empty());
    }

    @Override
    public SeekableByteChannel open(Digest digest) throws IOException {
        OptionalLong size = stat(digest);
        if (size.isEmpty()) throw new NoSuchFileException(digest.toString());
        return new ReadChannel(blobKey(digest), size.getAsLong());
    }

    @Override
    public SeekableByteChannel open(Digest digest, long size) {
        return new ReadChannel(blobKey(digest), size);
    }

    @Override
    public boolean redirects() {
        return settings.redirect();
    }

    @Override
    public Optional<URI> redirect(Digest digest) throws IOException {
        if (!settings.redirect()) return Optional.empty();
        String key = blobKey(digest);
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(settings.redirectExpiry())
                    .getObjectRequest(g -> g.bucket(bucket()).key(key))).url().toURI());
        } catch (URISyntaxException | SdkException e) {
            throw new IOException("cannot presign a URL for " + digest + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** Reads an object from {@code from} on (a ranged GET). */
    private ResponseInputStream<GetObjectResponse> get(String key, long from) throws IOException {
        return call("GET " + key, () -> s3.getObject(GetObjectRequest.builder().bucket(bucket()).key(key)
                .range(from > 0 ? "bytes=" + from + "-" : null).build()));
    }

    @Override
    public void delete(Digest digest) throws IOException {
        String key = blobKey(digest);
        call("DELETE " + key, () -> s3.deleteObject(r -> r.bucket(bucket()).key(key)));
    }

    @Override
    public List<Digest> list() throws IOException {
        String prefix = settings.prefix() + "blobs/";
        return call("LIST " + prefix, () -> {
            List<Digest> out = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(prefix)).contents()) {
                String[] parts = o.key().substring(prefix.length()).split("/");
                if (parts.length == 3 && Digest.isDigest(parts[0] + ":" + parts[2])) out.add(new Digest(parts[0], parts[2]));
            }
            return out;
        });
    }

    @Override
    public long lastModified(Digest digest) throws IOException {
        return head(blobKey(digest)).orElseThrow(() -> new NoSuchFileException(digest.toString())).lastModified().toEpochMilli();
    }

    // ---------------------------------------------------------------- uploads

    @Override
    public boolean uploadsResumeElsewhere() {
        return true;
    }

    @Override
    public UploadCursor createUpload(String id) {
        // Nothing in the bucket yet: the multipart upload starts with the first full part, the tail with a short chunk.
        return new UploadCursor(id, 0, new State(settings.partSize(), null, List.of(), null, false).json());
    }

    @Override
    public boolean uploadExists(UploadCursor at) {
        return true; // its objects are checked when the next chunk needs them; a missing tail fails that chunk
    }

    @Override
    public UploadCursor append(UploadCursor at, InputStream in, long maxBytes, RunningDigest hasher) throws IOException {
        State st = State.parse(at.state(), settings.partSize());
        if (st.sealed()) throw new IOException("upload " + at.id() + " is complete; no more bytes can be added");
        long tailLength = at.length() - st.partsLength();
        if (tailLength < 0 || tailLength >= st.partSize() || (tailLength > 0 && st.tail() == null)) {
            throw new IOException("upload " + at.id() + ": its saved state does not match its length");
        }
        String key = dataKey(at.id());
        List<String> etags = new ArrayList<>(st.etags());
        String uploadId = st.uploadId();
        Path buffer = Files.createTempFile(buffers, "part-", ".tmp");
        try (FileChannel file = FileChannel.open(buffer, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (tailLength > 0) download(st.tail(), file);
            Tee body = new Tee(BufferSource.of(in, BUFFER), maxBytes, hasher, file);
            int failures = 0;
            while (true) {
                if (file.size() >= st.partSize()) {
                    // a whole part already on disk (a streamed attempt failed after reading all of it): send the file
                    uploadId = uploadId != null ? uploadId : startMultipart(key);
                    etags.add(uploadPartFromFile(key, uploadId, etags.size() + 1, buffer, file.size()));
                    file.truncate(0);
                    continue;
                }
                if (body.ended()) break;
                if (maxBytes >= 0 && file.size() + (maxBytes - body.total()) < st.partSize()) {
                    body.drain(); // the rest of this chunk cannot fill a part: it all becomes the tail
                    break;
                }
                if (maxBytes < 0) {
                    // A body of unknown length (chunked transfer encoding) may end anywhere: a part request started
                    // on it could have to be abandoned half-sent, which some S3 implementations do not survive
                    // (S3Proxy's filesystem store keeps the torn part and then refuses to complete the upload).
                    // So the part is collected in the file first and sent from there.
                    body.fill(st.partSize() - file.size());
                    continue;
                }
                uploadId = uploadId != null ? uploadId : startMultipart(key);
                long before = body.total();
                try {
                    etags.add(streamPart(key, uploadId, etags.size() + 1, file, body, st.partSize()));
                    file.truncate(0);
                } catch (ShortBody e) {
                    break; // the body ended inside this part: the file holds the tail
                } catch (IOException e) {
                    if (body.clientFailure != null) throw body.clientFailure;
                    // S3 failed this part: the file holds everything read so far; retry from it (twice), then give up
                    if (++failures > 2 || !(e instanceof StorageUnavailableException)) throw e;
                    LOG.debug("upload {}: part {} failed after {} bytes, retrying: {}", at.id(), etags.size() + 1,
                            body.total() - before, e.getMessage());
                }
            }
            long length = at.length() + body.total();
            String tail = null;
            if (file.size() > 0) {
                tail = uploadPrefix(at.id()) + "tail-" + length;
                putFile(tail, buffer);
            }
            return new UploadCursor(at.id(), length, new State(st.partSize(), uploadId, etags, tail, false).json());
        } finally {
            Files.deleteIfExists(buffer);
        }
    }

    @Override
    public void appended(UploadCursor previous, UploadCursor current) {
        try {
            String old = State.parse(previous.state(), settings.partSize()).tail();
            if (old != null && !old.equals(State.parse(current.state(), settings.partSize()).tail())) {
                call("DELETE " + old, () -> s3.deleteObject(r -> r.bucket(bucket()).key(old)));
            }
        } catch (IOException e) {
            LOG.debug("could not remove a superseded upload tail (removed with the upload): {}", e.getMessage());
        }
    }

    private String startMultipart(String key) throws IOException {
        return call("CREATE MULTIPART " + key, () -> s3.createMultipartUpload(r -> r.bucket(bucket()).key(key)
                .contentType("application/octet-stream")).uploadId());
    }

    private String uploadPartFromFile(String key, String uploadId, int number, Path file, long size) throws IOException {
        return call("UPLOAD PART " + number + " of " + key, () -> s3.uploadPart(r -> r.bucket(bucket()).key(key)
                .uploadId(uploadId).partNumber(number).contentLength(size), RequestBody.fromFile(file)).eTag());
    }

    /**
     * Sends one part of exactly {@code partSize} bytes: first what {@code file} holds (an earlier tail, or bytes of
     * a failed attempt), then the body's bytes, which {@link Tee} also appends to the file.
     *
     * @throws ShortBody when the body ends first (the part's request is abandoned; the file holds every byte)
     */
    private String streamPart(String key, String uploadId, int number, FileChannel file, Tee body, int partSize) throws IOException {
        PartStream part = new PartStream(file, file.size(), body, partSize);
        try {
            return call("UPLOAD PART " + number + " of " + key, () -> once.uploadPart(r -> r.bucket(bucket()).key(key)
                    .uploadId(uploadId).partNumber(number).contentLength((long) partSize),
                    RequestBody.fromContentProvider(part::open, partSize, "application/octet-stream")).eTag());
        } catch (IOException | RuntimeException e) {
            if (part.shortBody) throw new ShortBody();
            if (body.clientFailure != null) throw body.clientFailure;
            if (e instanceof IOException io) throw io;
            throw new StorageUnavailableException("S3 UPLOAD PART " + number + " of " + key + ": " + firstLine(e.getMessage()), e);
        }
    }

    private void putFile(String key, Path file) throws IOException {
        call("PUT " + key, () -> s3.putObject(r -> r.bucket(bucket()).key(key).contentType("application/octet-stream"),
                RequestBody.fromFile(file)));
    }

    private void download(String key, FileChannel to) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = get(key, 0)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = readObject(in, buf, key)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) to.write(bb);
            }
        }
    }

    private static int readObject(InputStream in, byte[] buf, String key) throws IOException {
        try {
            return in.read(buf);
        } catch (SdkClientException | IOException e) {
            throw new StorageUnavailableException("S3 GET " + key + ": " + firstLine(e.getMessage()), e);
        }
    }

    private void hashObject(String key, RunningDigest hasher) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = get(key, 0)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = readObject(in, buf, key)) > 0) hasher.update(ByteBuffer.wrap(buf, 0, n));
        }
    }

    @Override
    public UploadCursor hashUpload(UploadCursor at, RunningDigest hasher) throws IOException {
        State st = State.parse(at.state(), settings.partSize());
        if (st.sealed()) {
            hashObject(dataKey(at.id()), hasher);
            return at;
        }
        if (st.etags().isEmpty()) {
            if (st.tail() != null) hashObject(st.tail(), hasher);
            return at;
        }
        UploadCursor sealed = seal(at, st); // parts of an unfinished multipart upload cannot be read
        hashObject(dataKey(at.id()), hasher);
        return sealed;
    }

    /** Completes the multipart upload under the upload's own key, the tail as its last part. */
    private UploadCursor seal(UploadCursor at, State st) throws IOException {
        String key = dataKey(at.id());
        List<CompletedPart> parts = new ArrayList<>();
        for (int i = 0; i < st.etags().size(); i++) parts.add(CompletedPart.builder().partNumber(i + 1).eTag(st.etags().get(i)).build());
        if (st.tail() != null) {
            Path buffer = Files.createTempFile(buffers, "tail-", ".tmp");
            try (FileChannel file = FileChannel.open(buffer, StandardOpenOption.WRITE)) {
                download(st.tail(), file);
            }
            try {
                int n = parts.size() + 1;
                parts.add(CompletedPart.builder().partNumber(n).eTag(uploadPartFromFile(key, st.uploadId(), n, buffer, Files.size(buffer))).build());
            } finally {
                Files.deleteIfExists(buffer);
            }
        }
        call("COMPLETE MULTIPART " + key, () -> s3.completeMultipartUpload(r -> r.bucket(bucket()).key(key).uploadId(st.uploadId())
                .multipartUpload(m -> m.parts(parts))));
        return new UploadCursor(at.id(), at.length(), new State(st.partSize(), st.uploadId(), st.etags(), st.tail(), true).json());
    }

    @Override
    public void commit(UploadCursor at, Digest digest) throws IOException {
        State st = State.parse(at.state(), settings.partSize());
        String target = blobKey(digest);
        if (head(target).isEmpty()) {
            if (st.sealed()) {
                copy(dataKey(at.id()), target, at.length());
            } else if (st.etags().isEmpty()) {
                if (st.tail() == null) {
                    call("PUT " + target, () -> s3.putObject(r -> r.bucket(bucket()).key(target).contentType("application/octet-stream"),
                            RequestBody.empty()));
                } else {
                    copy(st.tail(), target, at.length());
                }
            } else {
                st = State.parse(seal(at, st).state(), settings.partSize());
                copy(dataKey(at.id()), target, at.length());
            }
        } // else deduplicated: the same bytes are already there
        discard(at.id(), st);
    }

    /** Server-side copy: the target appears whole, or not at all. */
    private void copy(String from, String to, long size) throws IOException {
        if (size <= MAX_COPY) {
            call("COPY " + from + " to " + to, () -> s3.copyObject(r -> r.sourceBucket(bucket()).sourceKey(from)
                    .destinationBucket(bucket()).destinationKey(to).contentType("application/octet-stream")
                    .metadataDirective(software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE)));
            return;
        }
        String uploadId = startMultipart(to);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long off = 0; off < size; off += COPY_PART) {
                int n = parts.size() + 1;
                String range = "bytes=" + off + "-" + (Math.min(size, off + COPY_PART) - 1);
                String etag = call("COPY PART " + n + " to " + to, () -> s3.uploadPartCopy(r -> r.sourceBucket(bucket()).sourceKey(from)
                        .destinationBucket(bucket()).destinationKey(to).uploadId(uploadId).partNumber(n).copySourceRange(range))
                        .copyPartResult().eTag());
                parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
            call("COMPLETE MULTIPART " + to, () -> s3.completeMultipartUpload(r -> r.bucket(bucket()).key(to).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))));
        } catch (IOException | RuntimeException e) {
            abortQuietly(to, uploadId);
            throw e;
        }
    }

    /** Removes an upload's objects known from its state (no listing): the completed data, the tail, an open multipart. */
    private void discard(String id, State st) {
        if (st.uploadId() != null && !st.sealed()) abortQuietly(dataKey(id), st.uploadId());
        if (st.sealed()) deleteQuietly(dataKey(id));
        if (st.tail() != null) deleteQuietly(st.tail());
    }

    private void deleteQuietly(String key) {
        try {
            call("DELETE " + key, () -> s3.deleteObject(r -> r.bucket(bucket()).key(key)));
        } catch (IOException e) {
            LOG.warn("could not remove {} (the orphan sweep will): {}", key, e.getMessage());
        }
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            call("ABORT MULTIPART " + key, () -> s3.abortMultipartUpload(r -> r.bucket(bucket()).key(key).uploadId(uploadId)));
        } catch (IOException e) {
            LOG.debug("could not abort multipart upload of {}: {}", key, e.getMessage());
        }
    }

    @Override
    public void deleteUpload(String id) throws IOException {
        String prefix = uploadPrefix(id);
        for (MultipartUpload u : multipartUploads(prefix)) abortQuietly(u.key(), u.uploadId());
        List<String> keys = call("LIST " + prefix, () -> {
            List<String> out = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(prefix)).contents()) out.add(o.key());
            return out;
        });
        for (String k : keys) call("DELETE " + k, () -> s3.deleteObject(r -> r.bucket(bucket()).key(k)));
    }

    /** Open multipart uploads under {@code prefix}; empty where the store cannot list them. */
    private List<MultipartUpload> multipartUploads(String prefix) {
        try {
            return call("LIST MULTIPART " + prefix, () -> new ArrayList<>(s3.listMultipartUploads(r -> r.bucket(bucket()).prefix(prefix)).uploads()));
        } catch (IOException e) {
            LOG.debug("cannot list multipart uploads under {}: {}", prefix, e.getMessage());
            return List.of();
        }
    }

    @Override
    public List<String> listUploads() throws IOException {
        String prefix = settings.prefix() + "uploads/";
        Set<String> ids = new HashSet<>();
        call("LIST " + prefix, () -> {
            for (CommonPrefix p : s3.listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(prefix).delimiter("/")).commonPrefixes()) {
                String id = p.prefix().substring(prefix.length()).replace("/", "");
                if (!id.isEmpty()) ids.add(id);
            }
            return null;
        });
        for (MultipartUpload u : multipartUploads(prefix)) {
            String rest = u.key().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0) ids.add(rest.substring(0, slash));
        }
        return new ArrayList<>(ids);
    }

    @Override
    public long uploadLastModified(String id) {
        String prefix = uploadPrefix(id);
        long latest = 0;
        try {
            for (S3Object o : call("LIST " + prefix, () -> s3.listObjectsV2(r -> r.bucket(bucket()).prefix(prefix)).contents())) {
                latest = Math.max(latest, o.lastModified().toEpochMilli());
            }
        } catch (IOException e) {
            return Long.MAX_VALUE; // unknown: not old enough to remove
        }
        for (MultipartUpload u : multipartUploads(prefix)) latest = Math.max(latest, u.initiated().toEpochMilli());
        return latest;
    }

    // ---------------------------------------------------------------- streaming helpers

    /** The body ended before the part was full. */
    private static final class ShortBody extends IOException {
        ShortBody() {
            super("request body ended inside a part", null);
        }
    }

    /**
     * The request body, up to {@code limit} bytes: every byte handed out is hashed and appended to the part file,
     * so it is never lost whatever becomes of the S3 request it was read for.
     */
    private static final class Tee {
        private final BufferSource source;
        private final long limit;
        private final RunningDigest hasher;
        private final FileChannel file;
        private ByteBuffer pending;
        private boolean ended;
        private long total;
        IOException clientFailure;

        Tee(BufferSource source, long limit, RunningDigest hasher, FileChannel file) throws IOException {
            this.source = source;
            this.limit = limit;
            this.hasher = hasher;
            this.file = file;
            file.position(file.size());
        }

        long total() {
            return total;
        }

        boolean ended() throws IOException {
            if (pending != null && pending.hasRemaining()) return false;
            fill();
            return ended;
        }

        private void fill() throws IOException {
            if (ended || (pending != null && pending.hasRemaining())) return;
            if (limit >= 0 && total >= limit) {
                ended = true;
                return;
            }
            ByteBuffer bb;
            try {
                bb = source.nextBuffer();
            } catch (IOException e) {
                clientFailure = e;
                throw e;
            }
            if (bb == null) {
                ended = true;
                return;
            }
            if (limit >= 0 && bb.remaining() > limit - total) bb = bb.slice(bb.position(), (int) (limit - total));
            pending = bb;
        }

        /** Up to {@code max} bytes of the body, or null at its end. */
        ByteBuffer next(int max) throws IOException {
            fill();
            if (ended) return null;
            int n = Math.min(max, pending.remaining());
            ByteBuffer out = pending.slice(pending.position(), n);
            pending.position(pending.position() + n);
            if (hasher != null) hasher.update(out.duplicate());
            ByteBuffer w = out.duplicate();
            while (w.hasRemaining()) file.write(w);
            total += n;
            return out;
        }

        /** Reads up to {@code max} more bytes of the body into the file (fewer at its end). */
        void fill(long max) throws IOException {
            long left = max;
            while (left > 0) {
                ByteBuffer bb = next((int) Math.min(left, Integer.MAX_VALUE));
                if (bb == null) return;
                left -= bb.remaining();
            }
        }

        /** Reads the rest of the body into the file. */
        void drain() throws IOException {
            while (next(Integer.MAX_VALUE) != null) {
                // next() hashed and wrote it
            }
        }
    }

    /**
     * One part's bytes for the SDK: the file's first {@code prefix} bytes, then the body's, {@code size} in all. The
     * SDK reads 4 KiB at a time; the body is taken from {@link Tee} in chunks of up to {@link #BUFFER} (hashed and
     * written to the part file in one go, not 4 KiB and a system call at a time) and handed out from there.
     */
    private static final class PartStream extends InputStream {
        private final FileChannel file;
        private final long prefix;
        private final Tee body;
        private final long size;
        private ByteBuffer chunk;
        private long sent;
        private boolean opened;
        boolean shortBody;

        PartStream(FileChannel file, long prefix, Tee body, long size) {
            this.file = file;
            this.prefix = prefix;
            this.body = body;
            this.size = size;
        }

        InputStream open() {
            // The body can be read once: a second attempt (a retry or a re-read for signing) must fail, not resend.
            if (opened && sent > 0) throw new IllegalStateException("a streamed part cannot be sent twice");
            opened = true;
            return this;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (sent >= size) return -1;
            int want = (int) Math.min(len, size - sent);
            if (sent < prefix) {
                int n = file.read(ByteBuffer.wrap(b, off, (int) Math.min(want, prefix - sent)), sent);
                if (n < 0) throw new EOFException("part buffer shorter than expected");
                sent += n;
                return n;
            }
            if (chunk == null || !chunk.hasRemaining()) {
                // never past the part's end: what is taken is in the part file, which must hold this part only
                chunk = body.next((int) Math.min(BUFFER, size - sent));
                if (chunk == null) {
                    shortBody = true;
                    throw new ShortBody();
                }
            }
            int n = Math.min(want, chunk.remaining());
            chunk.get(b, off, n);
            sent += n;
            return n;
        }
    }

    /** A committed blob as a channel: ranged GETs from the current position, opened lazily, reopened after a seek. */
    private final class ReadChannel implements SeekableByteChannel {
        private final String key;
        private final long size;
        private long position;
        private ResponseInputStream<GetObjectResponse> in;
        private long inPosition;
        private boolean open = true;
        private byte[] scratch;

        ReadChannel(String key, long size) {
            this.key = key;
            this.size = size;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!open) throw new java.nio.channels.ClosedChannelException();
            if (position >= size) return -1;
            if (!dst.hasRemaining()) return 0;
            if (in == null || inPosition != position) {
                closeStream();
                in = get(key, position);
                inPosition = position;
            }
            int n;
            if (dst.hasArray()) {
                n = readObject(in, dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) dst.position(dst.position() + n);
            } else {
                if (scratch == null) scratch = new byte[256 * 1024];
                n = readObject(in, scratch, 0, Math.min(scratch.length, dst.remaining()));
                if (n > 0) dst.put(scratch, 0, n);
            }
            if (n < 0) throw new EOFException("S3 object " + key + " ended at " + position + " of " + size + " bytes");
            position += n;
            inPosition += n;
            return n;
        }

        private int readObject(InputStream s, byte[] b, int off, int len) throws IOException {
            try {
                return s.read(b, off, len);
            } catch (SdkClientException | IOException e) {
                throw new StorageUnavailableException("S3 GET " + key + ": " + firstLine(e.getMessage()), e);
            }
        }

        private void closeStream() {
            if (in == null) return;
            if (inPosition < size) in.abort(); // do not drain the rest of the object to reuse the connection
            try {
                in.close();
            } catch (IOException ignored) {
            }
            in = null;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        /** Opens the ranged GET from there at once (not at the first read), so that a failure shows before a reply. */
        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            this.position = newPosition;
            if ((in == null || inPosition != newPosition) && newPosition < size) {
                closeStream();
                in = get(key, newPosition);
                inPosition = newPosition;
            }
            return this;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public SeekableByteChannel truncate(long s) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            closeStream();
        }
    }
}
