package io.gatehouse.registry;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.config.RegistryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void pushThenPullByTag() {
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            assertThat(c.get("/v2/").statusCode()).isEqualTo(200);
            byte[] layer = "hello layer".getBytes(StandardCharsets.UTF_8);
            Digest m = c.pushImage("team/app", "1.0", layer);
            HttpResponse<byte[]> r = c.get("/v2/team/app/manifests/1.0");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(m.toString());
            assertThat(Digest.sha256(r.body())).isEqualTo(m);
            HttpResponse<byte[]> b = c.get("/v2/team/app/blobs/" + Digest.sha256(layer));
            assertThat(b.statusCode()).isEqualTo(200);
            assertThat(b.body()).isEqualTo(layer);
        }
    }
}
