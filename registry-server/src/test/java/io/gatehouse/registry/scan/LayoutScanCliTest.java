package io.gatehouse.registry.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.registry.scan.ScanCliTest.put;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gatehouse scan LAYOUT:TAG} reads the layout as skopeo does: every blob is checked against its digest, and
 * an index is scanned per platform, saying which.
 */
class LayoutScanCliTest {
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path dir;
    Path db;
    Path layout;
    Path blobs;
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream oldErr;
    PrintStream oldOut;

    @BeforeEach
    void setUp() throws IOException {
        db = dir.resolve("v.sqlite");
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("vulndb", "import", "--db", db.toString(),
                TestData.path("/vuln/ghsa").toString())).isZero();
        layout = dir.resolve("layout");
        blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        oldErr = System.err;
        oldOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(oldErr);
        System.setOut(oldOut);
    }

    int scan(String... args) {
        CommandLine cl = io.gatehouse.registry.cli.GatehouseCommand.commandLine();
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        String[] all = new String[args.length + 3];
        all[0] = "scan";
        all[1] = "--db";
        all[2] = db.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return cl.execute(all);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** An image of one log4j layer; its config names the platform and the layer's DiffID. Returns its descriptor. */
    String image(String arch, String variant, byte[] layer) throws IOException {
        String l = put(blobs, layer);
        String diffId = TestLayer.sha256(TestLayer.gunzip(layer));
        String config = "{\"architecture\":\"" + arch + "\",\"os\":\"linux\"" + (variant != null ? ",\"variant\":\""
                + variant + "\"" : "") + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}";
        String c = put(blobs, config.getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c + "\",\"size\":" + config.length()
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + l
                + "\",\"size\":" + layer.length + "}]}";
        String m = put(blobs, manifest.getBytes(StandardCharsets.UTF_8));
        return "{\"mediaType\":\"" + MANIFEST + "\",\"digest\":\"" + m + "\",\"size\":" + manifest.length()
                + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"" + (variant != null
                ? ",\"variant\":\"" + variant + "\"" : "") + "}}";
    }

    static byte[] log4jLayer() {
        return new TestLayer().file("app/log4j-core-2.14.1.jar", TestLayer.testJar("log4j-core-2.14.1.jar")).gzip();
    }

    void tag(String descriptor, String mediaType) throws IOException {
        String d = descriptor.replaceFirst("\"mediaType\":\"[^\"]+\"", "\"mediaType\":\"" + mediaType + "\"");
        d = d.substring(0, d.length() - 1) + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}}";
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + d + "]}");
    }

    @Test
    void aTamperedLayerIsRefusedNamingTheBlob() throws IOException {
        byte[] layer = log4jLayer();
        tag(image("amd64", null, layer), MANIFEST);
        String digest = TestLayer.sha256(layer);
        // same size, other content: a layer swapped for another that still decompresses
        byte[] other = new TestLayer().file("app/readme.txt", "x".repeat(64)).gzip();
        byte[] tampered = java.util.Arrays.copyOf(other, layer.length);
        Files.write(blobs.resolve(digest.substring("sha256:".length())), tampered);

        assertThat(scan(layout + ":1.0")).isEqualTo(1);
        assertThat(stderr()).contains("blob " + digest).contains("does not match its digest")
                .contains("hashes to " + TestLayer.sha256(tampered));
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("vulnerabilities");
    }

    @Test
    void aTamperedConfigOrManifestIsRefusedBeforeItIsRead() throws IOException {
        String descriptor = image("amd64", null, log4jLayer());
        tag(descriptor, MANIFEST);
        JsonNode d = new ObjectMapper().readTree(descriptor);
        Path manifest = blobs.resolve(d.path("digest").asText().substring(7));
        Files.writeString(manifest, Files.readString(manifest).replace("\"schemaVersion\":2", "\"schemaVersion\":3"));
        assertThat(scan(layout + ":1.0")).isEqualTo(2);
        assertThat(stderr()).contains("blob " + d.path("digest").asText()).contains("does not match its digest");
    }

    @Test
    void everyPlatformOfAnIndexIsScannedAndNamedOrTheOneAskedFor() throws IOException {
        byte[] log4j = log4jLayer();
        String amd64 = image("amd64", null, log4j);
        String arm64 = image("arm64", "v8", new TestLayer().file("app/readme.txt", "no jars here").gzip());
        String attestation = image("unknown", null, new TestLayer().file("x.json", "{}").gzip())
                .replace("\"platform\"", "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"},"
                        + "\"platform\"");
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[" + amd64 + "," + arm64 + "," + attestation + "]}";
        String i = put(blobs, index.getBytes(StandardCharsets.UTF_8));
        tag("{\"mediaType\":\"x\",\"digest\":\"" + i + "\",\"size\":" + index.length() + "}",
                "application/vnd.oci.image.index.v1+json");

        // the summary: one block per platform, each named; the attestation is no platform
        assertThat(scan(layout + ":1.0")).isZero();
        String summary = out.toString(StandardCharsets.UTF_8);
        assertThat(summary).contains("linux/amd64 sha256:").contains("linux/arm64/v8 sha256:")
                .doesNotContain("unknown");
        assertThat(summary.lines().filter(l -> l.contains("vulnerabilities"))).hasSize(2);
        assertThat(summary.lines().filter(l -> l.startsWith("linux/amd64")).findFirst().orElseThrow())
                .contains("2 vulnerabilities");

        // one JSON document is one platform: ask for one
        out.reset();
        err.reset();
        assertThat(scan("--format", "trivy", layout + ":1.0")).isEqualTo(2);
        assertThat(stderr()).contains("2 platforms (linux/amd64, linux/arm64/v8)").contains("--platform");

        out.reset();
        err.reset();
        Path trivyFile = dir.resolve("trivy.json");
        assertThat(scan("--format", "trivy", "--platform", "linux/amd64", "-o", trivyFile.toString(),
                layout + ":1.0")).isZero();
        assertThat(stderr()).contains("scanning linux/amd64 sha256:");
        JsonNode trivy = new ObjectMapper().readTree(trivyFile.toFile());
        JsonNode manifest = new ObjectMapper().readTree(Files.readAllBytes(
                blobs.resolve(new ObjectMapper().readTree(amd64).path("digest").asText().substring(7))));
        String configDigest = manifest.path("config").path("digest").asText();
        assertThat(trivy.path("Metadata").path("ImageID").asText()).isEqualTo(configDigest);
        String diffId = TestLayer.sha256(TestLayer.gunzip(log4j));
        assertThat(trivy.path("Metadata").path("DiffIDs").get(0).asText()).isEqualTo(diffId);
        assertThat(trivy.path("Metadata").path("ImageConfig").path("architecture").asText()).isEqualTo("amd64");
        assertThat(trivy.path("Results").get(0).path("Vulnerabilities").get(0).path("Layer").path("DiffID").asText())
                .isEqualTo(diffId);

        // linux/arm64 picks the v8 variant; a platform the index does not have is named with what it has
        out.reset();
        assertThat(scan("--platform", "linux/arm64", layout + ":1.0")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("linux/arm64/v8").doesNotContain("linux/amd64");
        err.reset();
        assertThat(scan("--platform", "linux/s390x", layout + ":1.0")).isEqualTo(2);
        assertThat(stderr()).contains("no linux/s390x image in the index (it has linux/amd64, linux/arm64/v8)");
    }
}
