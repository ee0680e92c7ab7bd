package io.gatehouse.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.gatehouse.registry.RegistryClient.errorCode;
import static io.gatehouse.registry.RegistryClient.json;
import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryApiTest extends ServerTestBase {

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void tagsListWithPagination() {
        String repo = repo();
        byte[] m = null;
        for (String t : new String[]{"b", "a", "C", "c", "1.0"}) {
            Digest d = client.pushImage(repo, t, ("layer" + t).getBytes(StandardCharsets.UTF_8));
            assertThat(d).isNotNull();
        }
        HttpResponse<byte[]> all = client.get("/v2/" + repo + "/tags/list");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(json(all).path("name").asText()).isEqualTo(repo);
        assertThat(strings(json(all).path("tags"))).containsExactly("1.0", "C", "a", "b", "c");
        assertThat(all.headers().firstValue("Link")).isEmpty();

        HttpResponse<byte[]> page1 = client.get("/v2/" + repo + "/tags/list?n=2");
        assertThat(strings(json(page1).path("tags"))).containsExactly("1.0", "C");
        assertThat(page1.headers().firstValue("Link")).hasValue("</v2/" + repo + "/tags/list?n=2&last=C>; rel=\"next\"");
        String next = page1.headers().firstValue("Link").orElseThrow();
        next = next.substring(1, next.indexOf('>'));
        HttpResponse<byte[]> page2 = client.get(next);
        assertThat(strings(json(page2).path("tags"))).containsExactly("a", "b");
        HttpResponse<byte[]> page3 = client.get("/v2/" + repo + "/tags/list?n=2&last=b");
        assertThat(strings(json(page3).path("tags"))).containsExactly("c");
        assertThat(page3.headers().firstValue("Link")).isEmpty();
        HttpResponse<byte[]> zero = client.get("/v2/" + repo + "/tags/list?n=0");
        assertThat(strings(json(zero).path("tags"))).isEmpty();
        assertThat(zero.headers().firstValue("Link")).isEmpty();
        HttpResponse<byte[]> lastOnly = client.get("/v2/" + repo + "/tags/list?last=a");
        assertThat(strings(json(lastOnly).path("tags"))).containsExactly("b", "c");
        assertThat(client.get("/v2/" + repo + "/tags/list?n=-1").statusCode()).isEqualTo(400);

        HttpResponse<byte[]> unknown = client.get("/v2/" + repo() + "/tags/list");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(errorCode(unknown)).isEqualTo("NAME_UNKNOWN");
    }

    @Test
    void catalogWithPagination() {
        String prefix = "catalog/x" + System.nanoTime();
        for (int i = 0; i < 3; i++) client.pushBlob(prefix + "/r" + i, new byte[]{(byte) i});
        HttpResponse<byte[]> all = client.get("/v2/_catalog");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(strings(json(all).path("repositories"))).contains(prefix + "/r0", prefix + "/r1", prefix + "/r2");
        HttpResponse<byte[]> page = client.get("/v2/_catalog?n=2&last=" + prefix + "/r0");
        assertThat(strings(json(page).path("repositories"))).containsExactly(prefix + "/r1", prefix + "/r2");
        HttpResponse<byte[]> small = client.get("/v2/_catalog?n=1&last=" + prefix + "/r0");
        assertThat(strings(json(small).path("repositories"))).containsExactly(prefix + "/r1");
        assertThat(small.headers().firstValue("Link").orElseThrow()).contains("n=1").contains("rel=\"next\"");
    }

    @Test
    void referrersWithArtifactTypeFilter() {
        String repo = repo();
        Digest subject = client.pushImage(repo, "app", "app layer".getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> empty = client.get("/v2/" + repo + "/referrers/" + subject);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.headers().firstValue("Content-Type")).hasValue(MediaTypes.OCI_INDEX);
        assertThat(json(empty).path("manifests").size()).isZero();
        assertThat(json(empty).path("schemaVersion").asInt()).isEqualTo(2);

        Digest sig = pushReferrer(repo, subject, "application/vnd.example.sig");
        Digest sbom = pushReferrer(repo, subject, null); // artifactType falls back to the config media type
        HttpResponse<byte[]> all = client.get("/v2/" + repo + "/referrers/" + subject);
        JsonNode manifests = json(all).path("manifests");
        assertThat(manifests.size()).isEqualTo(2);
        assertThat(all.headers().firstValue("OCI-Filters-Applied")).isEmpty();
        List<String> types = new ArrayList<>();
        manifests.forEach(n -> types.add(n.path("artifactType").asText()));
        assertThat(types).containsExactlyInAnyOrder("application/vnd.example.sig", MediaTypes.OCI_CONFIG);
        JsonNode first = manifests.get(0);
        assertThat(first.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(first.path("size").asLong()).isPositive();
        assertThat(first.path("annotations").path("org.example.n").isTextual()).isTrue();

        HttpResponse<byte[]> filtered = client.get("/v2/" + repo + "/referrers/" + subject + "?artifactType=application/vnd.example.sig");
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
        assertThat(json(filtered).path("manifests").size()).isEqualTo(1);
        assertThat(json(filtered).path("manifests").get(0).path("digest").asText()).isEqualTo(sig.toString());
        assertThat(sbom).isNotNull();

        HttpResponse<byte[]> bad = client.get("/v2/" + repo + "/referrers/sha256:nothex");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(errorCode(bad)).isEqualTo("DIGEST_INVALID");
        // an unknown subject has an empty list, never a 404
        HttpResponse<byte[]> none = client.get("/v2/" + repo + "/referrers/" + Digest.sha256(new byte[]{9}));
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(json(none).path("manifests").size()).isZero();
    }

    private static Digest pushReferrer(String repo, Digest subject, String artifactType) {
        byte[] config = ("{\"n\":" + System.nanoTime() + "}").getBytes(StandardCharsets.UTF_8);
        Digest c = client.pushBlob(repo, config);
        byte[] m = RegistryClient.imageManifest(c, config.length, List.of(), List.of(), artifactType, subject, 500);
        Digest d = Digest.sha256(m);
        HttpResponse<byte[]> r = client.putManifest(repo, d.toString(), m, MediaTypes.OCI_MANIFEST);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("OCI-Subject")).hasValue(subject.toString());
        return d;
    }

    @Test
    void baseEndpoint() {
        HttpResponse<byte[]> r = client.get("/v2/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
        assertThat(client.get("/v2").statusCode()).isEqualTo(200);
        assertThat(client.get("/v2/no/such/endpoint").statusCode()).isEqualTo(404);
    }
}
