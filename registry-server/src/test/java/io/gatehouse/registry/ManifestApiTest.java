package io.gatehouse.registry;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.gatehouse.registry.RegistryClient.errorCode;
import static io.gatehouse.registry.RegistryClient.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;

class ManifestApiTest extends ServerTestBase {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Pushes a config + layer and returns a manifest over them (not pushed). */
    private static byte[] preparedManifest(String repo, String artifactType, Digest subject) {
        byte[] config = bytes("{\"os\":\"linux\",\"n\":" + System.nanoTime() + "}");
        byte[] layer = bytes("layer " + System.nanoTime());
        Digest c = client.pushBlob(repo, config);
        Digest l = client.pushBlob(repo, layer);
        return imageManifest(c, config.length, List.of(l), List.of((long) layer.length), artifactType, subject, subject == null ? 0 : 100);
    }

    @Test
    void pushByTagPullByTagAndDigest() {
        String repo = repo();
        byte[] m = preparedManifest(repo, null, null);
        Digest d = Digest.sha256(m);
        HttpResponse<byte[]> put = client.putManifest(repo, "1.0", m, MediaTypes.OCI_MANIFEST);
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(put.headers().firstValue("Location")).hasValue("/v2/" + repo + "/manifests/" + d);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
        assertThat(put.headers().firstValue("OCI-Subject")).isEmpty();

        for (String ref : new String[]{"1.0", d.toString()}) {
            HttpResponse<byte[]> get = client.get("/v2/" + repo + "/manifests/" + ref, "Accept", MediaTypes.OCI_MANIFEST);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo(m); // byte-exact
            assertThat(get.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_MANIFEST);
            assertThat(get.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
            assertThat(get.headers().firstValue("Content-Length")).hasValue(Integer.toString(m.length));
            assertThat(get.headers().firstValue("ETag")).hasValue("\"" + d + "\"");
            HttpResponse<byte[]> head = client.head("/v2/" + repo + "/manifests/" + ref);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(m.length));
            assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
        }
        HttpResponse<byte[]> cached = client.get("/v2/" + repo + "/manifests/1.0", "If-None-Match", "\"" + d + "\"");
        assertThat(cached.statusCode()).isEqualTo(304);
    }

    @Test
    void dockerSchema2AndManifestList() {
        String repo = repo();
        byte[] config = bytes("{\"os\":\"linux\"}");
        byte[] layer = bytes("docker layer");
        Digest c = client.pushBlob(repo, config);
        Digest l = client.pushBlob(repo, layer);
        byte[] m = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.DOCKER_CONFIG + "\",\"size\":" + config.length + ",\"digest\":\"" + c + "\"},\"layers\":[{\"mediaType\":\""
                + MediaTypes.DOCKER_LAYER_GZIP + "\",\"size\":" + layer.length + ",\"digest\":\"" + l + "\"}]}");
        assertThat(client.putManifest(repo, "amd64", m, MediaTypes.DOCKER_MANIFEST).statusCode()).isEqualTo(201);
        Digest md = Digest.sha256(m);
        byte[] list = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST + "\",\"manifests\":[{\"mediaType\":\""
                + MediaTypes.DOCKER_MANIFEST + "\",\"size\":" + m.length + ",\"digest\":\"" + md
                + "\",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}");
        HttpResponse<byte[]> put = client.putManifest(repo, "latest", list, MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(put.statusCode()).isEqualTo(201);
        HttpResponse<byte[]> get = client.get("/v2/" + repo + "/manifests/latest",
                "Accept", MediaTypes.DOCKER_MANIFEST_LIST + ", " + MediaTypes.DOCKER_MANIFEST);
        assertThat(get.headers().firstValue("Content-Type")).hasValue(MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(get.body()).isEqualTo(list);
        // Content-Type with parameters is accepted (the spec says ignore them)
        assertThat(client.putManifest(repo, "again", m, MediaTypes.DOCKER_MANIFEST + "; charset=utf-8").statusCode()).isEqualTo(201);
    }

    @Test
    void ociIndexWithMissingChildIsRefused() {
        String repo = repo();
        Digest missing = Digest.sha256(bytes("not pushed"));
        byte[] index = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"size\":10,\"digest\":\"" + missing + "\"}]}");
        HttpResponse<byte[]> r = client.putManifest(repo, "idx", index, MediaTypes.OCI_INDEX);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorCode(r)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
        assertThat(RegistryClient.json(r).path("errors").path(0).path("detail").asText()).isEqualTo(missing.toString());
        // once the child exists, the index is accepted
        byte[] child = preparedManifest(repo, null, null);
        client.putManifest(repo, Digest.sha256(child).toString(), child, MediaTypes.OCI_MANIFEST);
        byte[] good = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"size\":" + child.length + ",\"digest\":\"" + Digest.sha256(child) + "\"}]}");
        assertThat(client.putManifest(repo, "idx", good, MediaTypes.OCI_INDEX).statusCode()).isEqualTo(201);
    }

    @Test
    void missingReferencedBlobIsRefused() {
        String repo = repo();
        byte[] config = bytes("{}");
        Digest c = client.pushBlob(repo, config);
        Digest missingLayer = Digest.sha256(bytes("missing layer"));
        byte[] m = imageManifest(c, 2, List.of(missingLayer), List.of(13L), null, null, 0);
        HttpResponse<byte[]> r = client.putManifest(repo, "x", m, MediaTypes.OCI_MANIFEST);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorCode(r)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
        assertThat(client.get("/v2/" + repo + "/manifests/x").statusCode()).isEqualTo(404);
        // a blob of another repository does not count
        String other = repo();
        Digest layerElsewhere = client.pushBlob(other, bytes("elsewhere"));
        byte[] m2 = imageManifest(c, 2, List.of(layerElsewhere), List.of(9L), null, null, 0);
        assertThat(errorCode(client.putManifest(repo, "y", m2, MediaTypes.OCI_MANIFEST))).isEqualTo("MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void oversizedManifestIs413() {
        String repo = repo();
        byte[] big = new byte[4 * 1024 * 1024 + 1];
        Arrays.fill(big, (byte) ' ');
        byte[] head = bytes("{\"schemaVersion\":2}");
        System.arraycopy(head, 0, big, 0, head.length);
        HttpResponse<byte[]> r = client.putManifest(repo, "big", big, MediaTypes.OCI_MANIFEST);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(errorCode(r)).isEqualTo("MANIFEST_INVALID");
        // exactly at the limit is fine as far as size goes (it fails later, as invalid JSON content)
        byte[] atLimit = Arrays.copyOf(big, 4 * 1024 * 1024);
        HttpResponse<byte[]> r2 = client.putManifest(repo, "big", atLimit, MediaTypes.OCI_MANIFEST);
        assertThat(r2.statusCode()).isEqualTo(400);
    }

    @Test
    void invalidManifests() {
        String repo = repo();
        String[][] cases = {
                {"not json", MediaTypes.OCI_MANIFEST},
                {"[1,2]", MediaTypes.OCI_MANIFEST},
                {"{\"schemaVersion\":1}", MediaTypes.OCI_MANIFEST},
                {"{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}", MediaTypes.OCI_MANIFEST},
                {"{\"schemaVersion\":2,\"layers\":[]}", MediaTypes.OCI_MANIFEST},
                {"{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:zz\",\"size\":1}}", MediaTypes.OCI_MANIFEST},
                {"{\"schemaVersion\":2,\"config\":{\"digest\":\"" + Digest.sha256(new byte[0]) + "\"}}", MediaTypes.OCI_MANIFEST},
                {"{\"schemaVersion\":2}", "application/vnd.docker.distribution.manifest.v1+prettyjws"},
        };
        for (String[] c : cases) {
            HttpResponse<byte[]> r = client.putManifest(repo, "bad", bytes(c[0]), c[1]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(errorCode(r)).as(c[0]).isEqualTo("MANIFEST_INVALID");
        }
        byte[] m = preparedManifest(repo, null, null);
        HttpResponse<byte[]> badTag = client.putManifest(repo, "-bad-tag", m, MediaTypes.OCI_MANIFEST);
        assertThat(badTag.statusCode()).isEqualTo(400);
    }

    @Test
    void pushByDigestIsVerified() {
        String repo = repo();
        byte[] m = preparedManifest(repo, null, null);
        Digest wrong = Digest.sha256(bytes("other"));
        HttpResponse<byte[]> r = client.putManifest(repo, wrong.toString(), m, MediaTypes.OCI_MANIFEST);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorCode(r)).isEqualTo("DIGEST_INVALID");
        Digest sha512 = Digest.of("sha512", m);
        HttpResponse<byte[]> ok = client.putManifest(repo, sha512.toString(), m, MediaTypes.OCI_MANIFEST);
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.headers().firstValue("Docker-Content-Digest")).hasValue(sha512.toString());
        assertThat(client.get("/v2/" + repo + "/manifests/" + sha512).body()).isEqualTo(m);
    }

    @Test
    void pushByDigestWithTagParameters() {
        String repo = repo();
        byte[] m = preparedManifest(repo, null, null);
        Digest d = Digest.sha256(m);
        HttpResponse<byte[]> r = client.send("PUT", "/v2/" + repo + "/manifests/" + d + "?tag=1.2.3&tag=1.2&tag=latest", m,
                "Content-Type", MediaTypes.OCI_MANIFEST);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().allValues("OCI-Tag")).containsExactly("1.2.3, 1.2, latest");
        assertThat(client.get("/v2/" + repo + "/manifests/1.2").body()).isEqualTo(m);
    }

    @Test
    void unknownManifestAndRepository() {
        String repo = repo();
        HttpResponse<byte[]> noRepo = client.get("/v2/" + repo + "/manifests/latest");
        assertThat(noRepo.statusCode()).isEqualTo(404);
        assertThat(errorCode(noRepo)).isEqualTo("NAME_UNKNOWN");
        client.pushImage(repo, "1", bytes("x"));
        HttpResponse<byte[]> noTag = client.get("/v2/" + repo + "/manifests/2");
        assertThat(noTag.statusCode()).isEqualTo(404);
        assertThat(errorCode(noTag)).isEqualTo("MANIFEST_UNKNOWN");
        assertThat(client.head("/v2/" + repo + "/manifests/2").statusCode()).isEqualTo(404);
        assertThat(client.get("/v2/" + repo + "/manifests/" + Digest.sha256(bytes("nope"))).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> badDigest = client.get("/v2/" + repo + "/manifests/sha256:123");
        assertThat(badDigest.statusCode()).isEqualTo(400);
        assertThat(errorCode(badDigest)).isEqualTo("DIGEST_INVALID");
    }

    @Test
    void retaggingMovesTheTag() {
        String repo = repo();
        Digest first = client.pushImage(repo, "moving", bytes("one"));
        Digest second = client.pushImage(repo, "moving", bytes("two"));
        assertThat(first).isNotEqualTo(second);
        HttpResponse<byte[]> r = client.get("/v2/" + repo + "/manifests/moving");
        assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(second.toString());
        assertThat(client.get("/v2/" + repo + "/manifests/" + first).statusCode()).isEqualTo(200);
    }

    @Test
    void deleteTagAndManifest() {
        String repo = repo();
        Digest d = client.pushImage(repo, "a", bytes("del"));
        client.send("PUT", "/v2/" + repo + "/manifests/b", client.get("/v2/" + repo + "/manifests/a").body(),
                "Content-Type", MediaTypes.OCI_MANIFEST);
        HttpResponse<byte[]> delTag = client.send("DELETE", "/v2/" + repo + "/manifests/a", null);
        assertThat(delTag.statusCode()).isEqualTo(202);
        assertThat(client.get("/v2/" + repo + "/manifests/a").statusCode()).isEqualTo(404);
        assertThat(client.get("/v2/" + repo + "/manifests/b").statusCode()).isEqualTo(200);
        assertThat(client.get("/v2/" + repo + "/manifests/" + d).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> delManifest = client.send("DELETE", "/v2/" + repo + "/manifests/" + d, null);
        assertThat(delManifest.statusCode()).isEqualTo(202);
        assertThat(client.get("/v2/" + repo + "/manifests/" + d).statusCode()).isEqualTo(404);
        // the tag that pointed at it went with it: no tag ever points at a missing manifest
        assertThat(errorCode(client.get("/v2/" + repo + "/manifests/b"))).isEqualTo("MANIFEST_UNKNOWN");
        HttpResponse<byte[]> again = client.send("DELETE", "/v2/" + repo + "/manifests/" + d, null);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(errorCode(again)).isEqualTo("MANIFEST_UNKNOWN");
        HttpResponse<byte[]> noRepo = client.send("DELETE", "/v2/" + repo() + "/manifests/" + d, null);
        assertThat(noRepo.statusCode()).isEqualTo(404);
        assertThat(errorCode(noRepo)).isEqualTo("NAME_UNKNOWN");
    }

    @Test
    void subjectGetsOciSubjectHeaderEvenWhenTheSubjectIsAbsent() {
        String repo = repo();
        Digest subject = Digest.sha256(bytes("subject not pushed yet"));
        byte[] sig = preparedManifest(repo, "application/vnd.example.sig", subject);
        HttpResponse<byte[]> r = client.putManifest(repo, Digest.sha256(sig).toString(), sig, MediaTypes.OCI_MANIFEST);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("OCI-Subject")).hasValue(subject.toString());
    }

    @Test
    void acceptNegotiation() {
        String repo = repo();
        client.pushImage(repo, "oci", bytes("negotiate"));
        String path = "/v2/" + repo + "/manifests/oci";
        assertThat(client.get(path).statusCode()).isEqualTo(200); // no Accept: anything goes
        assertThat(client.get(path, "Accept", "*/*").statusCode()).isEqualTo(200);
        assertThat(client.get(path, "Accept", MediaTypes.DOCKER_MANIFEST + ", " + MediaTypes.OCI_MANIFEST + ";q=0.5").statusCode()).isEqualTo(200);
        // An Accept list without the stored type still gets the stored manifest, with its true Content-Type
        // (skopeo 1.9 asks for an index this way); the registry never converts.
        HttpResponse<byte[]> other = client.get(path, "Accept", MediaTypes.DOCKER_MANIFEST + ", " + MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void methodNotAllowed() {
        String repo = repo();
        HttpResponse<byte[]> r = client.send("POST", "/v2/" + repo + "/manifests/latest", new byte[0]);
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(errorCode(r)).isEqualTo("UNSUPPORTED");
    }
}
