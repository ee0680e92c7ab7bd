package io.gatehouse.registry;

import io.gatehouse.core.reference.Digest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static io.gatehouse.registry.RegistryClient.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

class BlobApiTest extends ServerTestBase {

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void monolithicPostThenPutAndPull() {
        String repo = repo();
        byte[] data = random(100_000);
        HttpResponse<byte[]> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertThat(post.statusCode()).isEqualTo(202);
        String location = post.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/v2/" + repo + "/blobs/uploads/");
        assertThat(post.headers().firstValue("Docker-Upload-UUID")).isPresent();
        assertThat(post.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
        Digest d = Digest.sha256(data);
        HttpResponse<byte[]> put = client.send("PUT", location + "?digest=" + d, data, "Content-Type", "application/octet-stream");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(put.headers().firstValue("Location")).hasValue("/v2/" + repo + "/blobs/" + d);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());

        HttpResponse<byte[]> get = client.get("/v2/" + repo + "/blobs/" + d);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(data);
        assertThat(get.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
        assertThat(get.headers().firstValue("Content-Length")).hasValue("100000");
        assertThat(get.headers().firstValue("ETag")).hasValue("\"" + d + "\"");

        HttpResponse<byte[]> head = client.head("/v2/" + repo + "/blobs/" + d);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).hasValue("100000");
        assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
    }

    @Test
    void singlePostWithDigest() {
        String repo = repo();
        byte[] data = random(5000);
        Digest d = Digest.sha256(data);
        HttpResponse<byte[]> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, data,
                "Content-Type", "application/octet-stream");
        assertThat(post.statusCode()).isEqualTo(201);
        assertThat(post.headers().firstValue("Location")).hasValue("/v2/" + repo + "/blobs/" + d);
        assertThat(client.get("/v2/" + repo + "/blobs/" + d).body()).isEqualTo(data);
    }

    @Test
    void emptyBlobBySinglePost() {
        String repo = repo();
        Digest d = Digest.sha256(new byte[0]);
        HttpResponse<byte[]> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, new byte[0]);
        assertThat(post.statusCode()).isEqualTo(201);
        HttpResponse<byte[]> get = client.get("/v2/" + repo + "/blobs/" + d);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEmpty();
    }

    @Test
    void wrongDigestIsRefusedAndNothingIsStored() {
        String repo = repo();
        byte[] data = random(1000);
        Digest wrong = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + wrong, data);
        assertThat(post.statusCode()).isEqualTo(400);
        assertThat(errorCode(post)).isEqualTo("DIGEST_INVALID");
        assertThat(client.head("/v2/" + repo + "/blobs/" + wrong).statusCode()).isEqualTo(404);
        assertThat(client.head("/v2/" + repo + "/blobs/" + Digest.sha256(data)).statusCode()).isEqualTo(404);

        String location = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> put = client.send("PUT", location + "?digest=" + wrong, data);
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(errorCode(put)).isEqualTo("DIGEST_INVALID");
    }

    @Test
    void malformedAndUnsupportedDigests() {
        String repo = repo();
        for (String bad : new String[]{"sha256:abc", "md5:d41d8cd98f00b204e9800998ecf8427e", "nodigest", "sha256:" + "G".repeat(64)}) {
            HttpResponse<byte[]> r = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + bad, new byte[]{1});
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(errorCode(r)).isEqualTo("DIGEST_INVALID");
            assertThat(client.get("/v2/" + repo + "/blobs/" + bad).statusCode()).as(bad).isEqualTo(400);
        }
        HttpResponse<byte[]> alg = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest-algorithm=md5", null);
        assertThat(alg.statusCode()).isEqualTo(400);
        assertThat(errorCode(alg)).isEqualTo("DIGEST_INVALID");
    }

    @Test
    void missingDigestOnClosingPut() {
        String repo = repo();
        String location = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> put = client.send("PUT", location, new byte[]{1, 2, 3});
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(errorCode(put)).isEqualTo("DIGEST_INVALID");
    }

    @Test
    void sha512Blob() {
        String repo = repo();
        byte[] data = random(70_000);
        Digest d = Digest.of("sha512", data);
        HttpResponse<byte[]> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest-algorithm=sha512", null);
        assertThat(post.statusCode()).isEqualTo(202);
        String location = post.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> patch = client.send("PATCH", location, Arrays.copyOfRange(data, 0, 30_000),
                "Content-Range", "0-29999", "Content-Type", "application/octet-stream");
        assertThat(patch.statusCode()).isEqualTo(202);
        HttpResponse<byte[]> put = client.send("PUT", location + "?digest=" + d, Arrays.copyOfRange(data, 30_000, 70_000),
                "Content-Range", "30000-69999");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(client.get("/v2/" + repo + "/blobs/" + d).body()).isEqualTo(data);
        // sha256 of a sha512-started upload is verified by re-hashing
        byte[] other = random(1234);
        String loc2 = client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest-algorithm=sha512", null).headers().firstValue("Location").orElseThrow();
        assertThat(client.send("PUT", loc2 + "?digest=" + Digest.sha256(other), other).statusCode()).isEqualTo(201);
        // single POST with a sha512 digest
        byte[] third = random(4321);
        assertThat(client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.of("sha512", third), third).statusCode()).isEqualTo(201);
    }

    @Test
    void chunkedUploadWithStatusAndOutOfOrderChunk() {
        String repo = repo();
        byte[] data = random(300_000);
        Digest d = Digest.sha256(data);
        HttpResponse<byte[]> post = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null);
        String location = post.headers().firstValue("Location").orElseThrow();
        assertThat(post.headers().firstValue("Range")).hasValue("0-0");

        HttpResponse<byte[]> p1 = client.send("PATCH", location, Arrays.copyOfRange(data, 0, 100_000), "Content-Range", "0-99999",
                "Content-Type", "application/octet-stream");
        assertThat(p1.statusCode()).isEqualTo(202);
        assertThat(p1.headers().firstValue("Range")).hasValue("0-99999");
        String next = p1.headers().firstValue("Location").orElseThrow();

        // out of order: skips ahead
        HttpResponse<byte[]> bad = client.send("PATCH", next, Arrays.copyOfRange(data, 200_000, 300_000), "Content-Range", "200000-299999");
        assertThat(bad.statusCode()).isEqualTo(416);
        assertThat(bad.headers().firstValue("Range")).hasValue("0-99999");
        assertThat(bad.headers().firstValue("Location")).isPresent();
        assertThat(errorCode(bad)).isEqualTo("BLOB_UPLOAD_INVALID");
        // a chunk repeated from the start is also out of order
        assertThat(client.send("PATCH", next, Arrays.copyOfRange(data, 0, 100_000), "Content-Range", "0-99999").statusCode()).isEqualTo(416);

        HttpResponse<byte[]> status = client.get(next);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-99999");
        assertThat(status.headers().firstValue("Location")).isPresent();

        // a chunk without Content-Range (docker streams like this) is appended
        HttpResponse<byte[]> p2 = client.send("PATCH", next, Arrays.copyOfRange(data, 100_000, 200_000));
        assertThat(p2.statusCode()).isEqualTo(202);
        assertThat(p2.headers().firstValue("Range")).hasValue("0-199999");
        // final chunk in the closing PUT, out of order first
        HttpResponse<byte[]> badPut = client.send("PUT", next + "?digest=" + d, Arrays.copyOfRange(data, 250_000, 300_000),
                "Content-Range", "250000-299999");
        assertThat(badPut.statusCode()).isEqualTo(416);
        HttpResponse<byte[]> put = client.send("PUT", next + "?digest=" + d, Arrays.copyOfRange(data, 200_000, 300_000),
                "Content-Range", "200000-299999");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(client.get("/v2/" + repo + "/blobs/" + d).body()).isEqualTo(data);
        // the session is gone once closed
        assertThat(client.get(next).statusCode()).isEqualTo(404);
    }

    @Test
    void contentRangeThatDisagreesWithTheBodyIsRefused() {
        String repo = repo();
        String location = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> r = client.send("PATCH", location, new byte[10], "Content-Range", "0-19");
        assertThat(r.statusCode()).isEqualTo(416);
        HttpResponse<byte[]> malformed = client.send("PATCH", location, new byte[10], "Content-Range", "ten-twenty");
        assertThat(malformed.statusCode()).isEqualTo(416);
        assertThat(client.get(location).headers().firstValue("Range")).hasValue("0-0");
    }

    @Test
    void truncatedUploadLeavesTheSessionResumable() throws Exception {
        String repo = repo();
        byte[] data = random(50_000);
        String location = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        // Promise 50,000 bytes, send 20,000 and hang up.
        RawHttp.sendTruncated(server.port(), "PATCH", location, 50_000, Arrays.copyOfRange(data, 0, 20_000));
        HttpResponse<byte[]> status = client.get(location);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-0"); // nothing of the broken chunk was kept
        HttpResponse<byte[]> put = client.send("PUT", location + "?digest=" + Digest.sha256(data), data, "Content-Range", "0-49999");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(client.get("/v2/" + repo + "/blobs/" + Digest.sha256(data)).body()).isEqualTo(data);
        // a truncated single POST stores nothing
        byte[] other = random(40_000);
        RawHttp.sendTruncated(server.port(), "POST", "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(other), 40_000,
                Arrays.copyOfRange(other, 0, 1000));
        assertThat(client.head("/v2/" + repo + "/blobs/" + Digest.sha256(other)).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownAndCancelledUploads() {
        String repo = repo();
        String fake = "/v2/" + repo + "/blobs/uploads/00000000-0000-0000-0000-000000000000";
        for (String method : new String[]{"GET", "PATCH", "DELETE"}) {
            HttpResponse<byte[]> r = client.send(method, fake, method.equals("PATCH") ? new byte[]{1} : null);
            assertThat(r.statusCode()).as(method).isEqualTo(404);
            assertThat(errorCode(r)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
        }
        HttpResponse<byte[]> put = client.send("PUT", fake + "?digest=" + Digest.sha256(new byte[]{1}), new byte[]{1});
        assertThat(put.statusCode()).isEqualTo(404);
        assertThat(errorCode(put)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
        assertThat(client.get("/v2/" + repo + "/blobs/uploads/not..an..id").statusCode()).isEqualTo(404);

        String location = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        assertThat(client.send("DELETE", location, null).statusCode()).isEqualTo(204);
        assertThat(errorCode(client.get(location))).isEqualTo("BLOB_UPLOAD_UNKNOWN");
        // a session belongs to its repository
        String other = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        String id = other.substring(other.lastIndexOf('/') + 1);
        assertThat(client.get("/v2/elsewhere/blobs/uploads/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void crossRepositoryMount() {
        String from = repo();
        String to = repo();
        byte[] data = random(2000);
        Digest d = client.pushBlob(from, data);
        HttpResponse<byte[]> mount = client.send("POST", "/v2/" + to + "/blobs/uploads/?mount=" + d + "&from=" + from, null);
        assertThat(mount.statusCode()).isEqualTo(201);
        assertThat(mount.headers().firstValue("Location")).hasValue("/v2/" + to + "/blobs/" + d);
        assertThat(mount.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
        assertThat(client.get("/v2/" + to + "/blobs/" + d).body()).isEqualTo(data);

        // unknown blob or source: an upload session instead
        Digest absent = Digest.sha256("absent".getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> fallback = client.send("POST", "/v2/" + to + "/blobs/uploads/?mount=" + absent + "&from=" + from, null);
        assertThat(fallback.statusCode()).isEqualTo(202);
        assertThat(fallback.headers().firstValue("Location").orElseThrow()).contains("/blobs/uploads/");
        HttpResponse<byte[]> wrongFrom = client.send("POST", "/v2/" + repo() + "/blobs/uploads/?mount=" + d + "&from=nothing/here", null);
        assertThat(wrongFrom.statusCode()).isEqualTo(202);
    }

    @Test
    void blobsAreScopedToTheirRepository() {
        String a = repo();
        byte[] data = random(3000);
        Digest d = client.pushBlob(a, data);
        HttpResponse<byte[]> r = client.get("/v2/" + repo() + "/blobs/" + d);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(errorCode(r)).isEqualTo("BLOB_UNKNOWN");
    }

    @Test
    void rangeRequests() {
        String repo = repo();
        byte[] data = random(10_000);
        Digest d = client.pushBlob(repo, data);
        String path = "/v2/" + repo + "/blobs/" + d;
        HttpResponse<byte[]> part = client.get(path, "Range", "bytes=100-199");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(data, 100, 200));
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-199/10000");
        HttpResponse<byte[]> open = client.get(path, "Range", "bytes=9000-");
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(data, 9000, 10_000));
        HttpResponse<byte[]> suffix = client.get(path, "Range", "bytes=-10");
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(data, 9990, 10_000));
        HttpResponse<byte[]> beyond = client.get(path, "Range", "bytes=20000-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */10000");
    }

    @Test
    void deleteBlob() {
        String repo = repo();
        Digest d = client.pushBlob(repo, random(500));
        assertThat(client.send("DELETE", "/v2/" + repo + "/blobs/" + d, null).statusCode()).isEqualTo(202);
        HttpResponse<byte[]> gone = client.get("/v2/" + repo + "/blobs/" + d);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(errorCode(gone)).isEqualTo("BLOB_UNKNOWN");
        HttpResponse<byte[]> again = client.send("DELETE", "/v2/" + repo + "/blobs/" + d, null);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(errorCode(again)).isEqualTo("BLOB_UNKNOWN");
    }

    @Test
    void largeBlobStreamsThrough() {
        String repo = repo();
        byte[] data = random(24 << 20);
        Digest d = Digest.sha256(data);
        String location = client.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        assertThat(client.send("PATCH", location, Arrays.copyOfRange(data, 0, 10 << 20), "Content-Range", "0-" + ((10 << 20) - 1)).statusCode()).isEqualTo(202);
        assertThat(client.send("PUT", location + "?digest=" + d, Arrays.copyOfRange(data, 10 << 20, data.length)).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> get = client.get("/v2/" + repo + "/blobs/" + d);
        assertThat(Digest.sha256(get.body())).isEqualTo(d);
    }
}
