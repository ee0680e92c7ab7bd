package io.gatehouse.registry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.copy.CopyEngine;
import io.gatehouse.core.copy.CopyOptions;
import io.gatehouse.core.copy.CopyResult;
import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.Json;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.reference.ImageReference;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ModelTestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client half against our own registry: `gatehouse mirror` from CNCF Distribution into Gatehouse, `gatehouse copy`
 * back out (the reverse direction), and copies inside Gatehouse (mounts, referrers through its referrers API).
 */
class MirrorCopyCommandTest {
    @TempDir
    static Path dir;
    static DistributionRegistry distribution;
    static RegistryServer gatehouse;
    static RegistryClient dist;
    static RegistryClient ours;

    @BeforeAll
    static void start() throws Exception {
        distribution = DistributionRegistry.start(Files.createDirectories(dir.resolve("dist")));
        gatehouse = RegistryServer.builder(RegistryConfig.forTesting(Files.createDirectories(dir.resolve("gh")))).build().start();
        dist = RegistryClient.builder(distribution.hostPort()).build();
        ours = RegistryClient.builder(gatehouse.registryHost()).build();
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) gatehouse.close();
        if (distribution != null) distribution.close();
    }

    @Test
    void mirrorFromDistributionIntoGatehouseThenIncrementally() throws Exception {
        ModelTestImages.Blob base = ModelTestImages.randomLayer(50_000);
        for (String t : List.of("3.18", "3.19", "3.20", "edge")) {
            ModelTestImages.multiPlatform(List.of(base), 3_000, "linux/amd64", "linux/arm64/v8").push(dist, RepositoryName.of("library/alpine"), t);
        }
        Path report = dir.resolve("report.json");
        String up = distribution.hostPort() + "/library/alpine";
        String into = gatehouse.registryHost() + "/mirror/alpine";
        int code = io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("mirror", up, into, "--versions", ">=3.19 <4", "--report", report.toString(), "-q");
        assertThat(code).isZero();
        JsonNode r = Json.MAPPER.readTree(report.toFile());
        assertThat(r.path("tags")).hasSize(2);
        assertThat(r.path("tags").get(0).path("status").asText()).isEqualTo("COPIED");
        assertThat(r.path("bytesMoved").asLong()).isPositive();
        assertThat(ours.headManifest(RepositoryName.of("mirror/alpine"), "3.20").orElseThrow().digest())
                .isEqualTo(dist.headManifest(RepositoryName.of("library/alpine"), "3.20").orElseThrow().digest());

        code = io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("mirror", up, into, "--versions", ">=3.19 <4", "--report", report.toString(), "-q");
        assertThat(code).isZero();
        r = Json.MAPPER.readTree(report.toFile());
        assertThat(r.path("tags").findValuesAsText("status")).containsOnly("UNCHANGED");
        assertThat(r.path("bytesMoved").asLong()).isZero();

        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("mirror", up + ":3.19", into)).isEqualTo(2);
    }

    @Test
    void copyFromGatehouseBackToDistributionWithAPlatformFilter() {
        ModelTestImages.MultiPlatform mp = ModelTestImages.multiPlatform(List.of(ModelTestImages.randomLayer(10_000)), 2_000,
                "linux/amd64", "linux/arm64/v8", "linux/ppc64le");
        mp.push(ours, RepositoryName.of("team/app"), "1.0");
        int code = io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("copy", gatehouse.registryHost() + "/team/app:1.0",
                distribution.hostPort() + "/export/app:1.0", "--platform", "linux/arm64", "-q");
        assertThat(code).isZero();
        Manifest m = dist.getManifest(RepositoryName.of("export/app"), "1.0");
        assertThat(m.index().manifests()).extracting(d -> d.platform().toString()).containsExactly("linux/arm64/v8");
        assertThat(m.index().annotations()).containsEntry(CopyEngine.SOURCE_DIGEST_ANNOTATION, mp.index().digest().toString());

        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("copy", gatehouse.registryHost() + "/team/app:missing",
                distribution.hostPort() + "/export/app:x", "-q")).isEqualTo(1);
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("copy", "Bad Ref", "x", "-q")).isEqualTo(2);
        // bad settings are usage errors (exit 2, one line), not stack traces
        String from = gatehouse.registryHost() + "/team/app:1.0";
        String to = distribution.hostPort() + "/export/app:y";
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("copy", from, to, "-q", "--parallel", "0")).isEqualTo(2);
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("copy", from, to, "-q", "--platform", "linux/")).isEqualTo(2);
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("copy", from, to, "-q", "--chunk-size-mib", "0")).isEqualTo(2);
        assertThat(io.gatehouse.registry.cli.GatehouseCommand.commandLine().execute("mirror", distribution.hostPort() + "/export/app", gatehouse.registryHost() + "/m/app",
                "-q", "--parallel", "0")).isEqualTo(2);
    }

    @Test
    void copyInsideGatehouseMountsAndCarriesReferrers() {
        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(20_000));
        RepositoryName repo = RepositoryName.of("team/signed");
        img.push(ours, repo, "v1");
        ModelTestImages.Image sig = ModelTestImages.artifact(img.manifest().descriptor(), "application/vnd.example.sig", "sig".getBytes());
        sig.push(ours, repo, sig.manifest().digest().toString());
        assertThat(ours.referrers(repo, img.manifest().digest(), null).fromApi()).isTrue();

        try (CopyEngine engine = new CopyEngine(ours, ours, CopyOptions.defaults().withReferrers(true))) {
            CopyResult r = engine.copy(ImageReference.parse(gatehouse.registryHost() + "/team/signed:v1"),
                    ImageReference.parse(gatehouse.registryHost() + "/prod/signed:v1"));
            assertThat(r.blobsMounted()).isEqualTo(4); // image: config + layer; signature: empty config + payload
            assertThat(r.bytesCopied()).isZero();
            assertThat(r.referrers()).isEqualTo(1);
        }
        assertThat(ours.referrers(RepositoryName.of("prod/signed"), img.manifest().digest(), null).manifests())
                .extracting(Descriptor::digest).containsExactly(sig.manifest().digest());
    }
}
