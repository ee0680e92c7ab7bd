package io.gatehouse.registry.storage;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The blob store contract on S3 (S3Proxy, a real S3 API over a temp folder), plus what only S3 has. */
class S3BlobStoreTest extends BlobStoreContract {
    @TempDir
    static Path dir;
    static S3ProxyServer s3proxy;
    static S3BlobStore store;
    static S3BlobStore replica;

    static S3Settings settings(boolean redirect) {
        return new S3Settings("contract", S3ProxyServer.REGION, URI.create(s3proxy.endpoint()), true, "gh/",
                S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, redirect, Duration.ofMinutes(5), PART);
    }

    @BeforeAll
    static void start() throws IOException {
        s3proxy = S3ProxyServer.start(dir.resolve("s3"));
        s3proxy.createBucket("contract");
        store = new S3BlobStore(settings(true), dir.resolve("replica1"));
        replica = new S3BlobStore(settings(false), dir.resolve("replica2"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (Boolean.getBoolean("s3proxy.keep")) {
            java.nio.file.Files.copy(dir.resolve("s3").resolve("s3proxy.log"), Path.of("target/s3proxy-contract.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (store != null) store.close();
        if (replica != null) replica.close();
        if (s3proxy != null) s3proxy.close();
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Override
    BlobStore otherReplica() {
        return replica;
    }

    @Test
    void anUnfinishedUploadLeavesNothingUnderBlobsAndAtMostOnePartOnLocalDisk() throws IOException {
        byte[] data = random(2 * PART + 1, 20);
        Digest d = Digest.sha256(data);
        UploadCursor at = store.append(store.createUpload(newId()), new ByteArrayInputStream(data), -1, null);
        assertThat(at.length()).isEqualTo(data.length);
        assertThat(store.stat(d)).isEmpty();
        try (Stream<Path> files = Files.walk(s3proxy.baseDir().resolve("contract"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> s3proxy.baseDir().resolve("contract").relativize(p).toString()))
                    .noneMatch(k -> k.endsWith(d.hex()));
        }
        try (Stream<Path> left = Files.list(dir.resolve("replica1").resolve("s3-buffers"))) {
            assertThat(left).isEmpty(); // the part buffer is gone with the request
        }
    }

    @Test
    void aPresignedRedirectServesTheBlob() throws Exception {
        byte[] data = random(70_000, 21);
        Digest d = Digest.sha256(data);
        store.commit(store.append(store.createUpload(newId()), new ByteArrayInputStream(data), -1, null), d);
        assertThat(store.redirects()).isTrue();
        URI url = store.redirect(d).orElseThrow();
        HttpResponse<byte[]> got = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(data);
        assertThat(replica.redirects()).isFalse();
        assertThat(replica.redirect(d)).isEmpty();
    }

    @Test
    void anUnreachableS3IsReportedAsUnavailable() throws IOException {
        S3Settings nowhere = new S3Settings("contract", S3ProxyServer.REGION, URI.create("http://127.0.0.1:" + io.gatehouse.testing.FreePort.pick()),
                true, "", S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, false, Duration.ofMinutes(5), PART);
        S3BlobStore down = new S3BlobStore(nowhere, dir.resolve("down"));
        try {
            byte[] data = random(1000, 22);
            assertThatThrownBy(() -> down.append(down.createUpload(newId()), new ByteArrayInputStream(data), -1, null))
                    .isInstanceOf(StorageUnavailableException.class);
            assertThatThrownBy(() -> down.stat(Digest.sha256(data))).isInstanceOf(StorageUnavailableException.class);
            assertThat(down.available()).isFalse();
        } finally {
            down.close();
        }
    }

    /**
     * Over plain HTTP, parts (streamed from the request body, or sent again from the part file) and the tail object
     * go out as over HTTPS: their own length, UNSIGNED-PAYLOAD, no aws-chunked encoding (which the SDK otherwise
     * switches to on http:// endpoints, and which S3Proxy decodes a byte at a time). S3Proxy checks the signatures.
     */
    @Test
    void partsAndTailsGoOutWithTheirLengthUnsignedAndNotChunkEncoded() throws IOException {
        List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();
        ExecutionInterceptor observer = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                sent.add(context.httpRequest());
            }
        };
        S3BlobStore watched = new S3BlobStore(settings(false), dir.resolve("watched"), observer);
        try {
            byte[] data = random(2 * PART + 4321, 23);
            Digest d = Digest.sha256(data);
            RunningDigest[] h = {RunningDigest.resumable("sha256")};
            UploadCursor at = appendChunks(watched, watched.createUpload(newId()), data, h, PART + 1000, PART + 3321);
            UploadCursor unknownLength = watched.append(at, new ByteArrayInputStream(new byte[0]), -1, null);
            watched.commit(unknownLength, d);
            assertThat(Digest.fromBytes("sha256", h[0].digest())).isEqualTo(d);
            assertThat(readAll(watched, d)).isEqualTo(data);

            List<SdkHttpRequest> bodies = sent.stream().filter(r -> r.method() == SdkHttpMethod.PUT
                    && r.firstMatchingHeader("x-amz-copy-source").isEmpty()).toList();
            // two streamed parts, the tails (PutObject), the last tail as the last part (UploadPart from its file)
            assertThat(bodies).filteredOn(r -> r.firstMatchingRawQueryParameter("partNumber").isPresent()).hasSize(3);
            assertThat(bodies).filteredOn(r -> r.getUri().getPath().contains("/tail-")).hasSizeGreaterThanOrEqualTo(2);
            assertThat(bodies).allSatisfy(r -> {
                assertThat(r.firstMatchingHeader("x-amz-content-sha256")).hasValue("UNSIGNED-PAYLOAD");
                assertThat(r.firstMatchingHeader("Content-Encoding")).isEmpty();
                assertThat(r.firstMatchingHeader("x-amz-decoded-content-length")).isEmpty();
                assertThat(r.firstMatchingHeader("Content-Length")).isPresent();
                assertThat(r.firstMatchingHeader("Authorization").orElseThrow()).contains("SignedHeaders=").contains("content-length");
            });
            // everything else keeps a signed body (here: CompleteMultipartUpload's XML)
            assertThat(sent).filteredOn(r -> r.method() == SdkHttpMethod.POST && r.firstMatchingRawQueryParameter("uploadId").isPresent())
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.firstMatchingHeader("x-amz-content-sha256").orElseThrow()).matches("[0-9a-f]{64}"));
        } finally {
            watched.close();
        }
    }

    /**
     * S3 drops the connection in the middle of a streamed part: the part is sent again from the part file (which
     * holds what the body delivered, some of it not yet sent) and the body continues after it, every byte once.
     */
    @Test
    void aPartCutOffInTheMiddleIsSentAgainFromThePartFile() throws Exception {
        try (CuttingRelay relay = new CuttingRelay(s3proxy.port(), 3 << 20)) {
            S3Settings via = new S3Settings("contract", S3ProxyServer.REGION, URI.create("http://127.0.0.1:" + relay.port()), true, "gh/",
                    S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, false, Duration.ofMinutes(5), PART);
            S3BlobStore cut = new S3BlobStore(via, dir.resolve("cut"));
            try {
                byte[] data = random(2 * PART + 1000, 24);
                Digest d = Digest.sha256(data);
                RunningDigest h = RunningDigest.resumable("sha256");
                UploadCursor at = cut.append(cut.createUpload(newId()), new ByteArrayInputStream(data), data.length, h);
                assertThat(relay.cuts.get()).isEqualTo(1);
                assertThat(at.length()).isEqualTo(data.length);
                assertThat(Digest.fromBytes("sha256", h.digest())).isEqualTo(d);
                cut.commit(at, d);
                assertThat(readAll(store, d)).isEqualTo(data);
            } finally {
                cut.close();
            }
        }
    }

    /** A TCP relay to S3Proxy that closes the first connection to carry more than {@code after} bytes upstream. */
    static final class CuttingRelay implements AutoCloseable {
        final java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        final java.util.concurrent.atomic.AtomicInteger cuts = new java.util.concurrent.atomic.AtomicInteger();

        CuttingRelay(int target, long after) throws IOException {
            daemon(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket in = server.accept();
                        java.net.Socket out = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), target);
                        daemon(() -> pipe(in, out, after));
                        daemon(() -> pipe(out, in, Long.MAX_VALUE));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static void daemon(Runnable r) {
            Thread t = new Thread(r, "cutting-relay");
            t.setDaemon(true);
            t.start();
        }

        private void pipe(java.net.Socket from, java.net.Socket to, long after) {
            byte[] buf = new byte[64 * 1024];
            long moved = 0;
            try {
                int n;
                while ((n = from.getInputStream().read(buf)) > 0) {
                    to.getOutputStream().write(buf, 0, n);
                    moved += n;
                    if (moved > after && cuts.compareAndSet(0, 1)) break;
                }
            } catch (IOException ignored) {
                // the other side closed
            }
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void theSecretIsNotInTheSettingsText() {
        assertThat(settings(false).toString()).doesNotContain(S3ProxyServer.SECRET_KEY).contains("***");
    }
}
