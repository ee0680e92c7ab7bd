package io.gatehouse.registry.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `gatehouse vulndb import` and `gatehouse scan` on an OCI layout, in process. */
class ScanCliTest {
    @TempDir
    Path dir;

    static String put(Path blobs, byte[] data) throws IOException {
        Digest d = Digest.sha256(data);
        Files.write(blobs.resolve(d.hex()), data);
        return d.toString();
    }

    @Test
    void importThenScanALayout() throws IOException {
        Path db = dir.resolve("v.sqlite");
        assertThat(Main.commandLine().execute("vulndb", "import", "--db", db.toString(),
                TestData.path("/vuln/ghsa").toString())).isZero();
        // a corrupt input: exit 1, database unchanged
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"id\": \"GHSA-x\", \"modified\": ");
        assertThat(Main.commandLine().execute("vulndb", "import", "--db", db.toString(), "--format", "osv",
                bad.toString())).isEqualTo(1);

        Path layout = dir.resolve("layout");
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        byte[] layer = new TestLayer().file("app/log4j-core-2.14.1.jar", TestLayer.testJar("log4j-core-2.14.1.jar"))
                .gzip();
        String l = put(blobs, layer);
        String c = put(blobs, "{}".getBytes());
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + l + "\",\"size\":" + layer.length + "}]}";
        String m = put(blobs, manifest.getBytes());
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + m + "\",\"size\":"
                + manifest.length() + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}}]}");

        Path out = dir.resolve("trivy.json");
        assertThat(Main.commandLine().execute("scan", "--db", db.toString(), "--format", "trivy", "-o",
                out.toString(), layout + ":1.0")).isZero();
        JsonNode trivy = new ObjectMapper().readTree(out.toFile());
        assertThat(trivy.path("Results").get(0).path("Vulnerabilities")).extracting(v -> v.path("VulnerabilityID")
                .asText()).containsExactlyInAnyOrder("CVE-2021-44228", "CVE-2021-45046");
        assertThat(Main.commandLine().execute("scan", "--db", db.toString(), layout + ":nope")).isEqualTo(2);
    }
}
