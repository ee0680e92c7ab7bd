package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.jenkins.TestRegistries;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.mirror.Mirrors;
import io.gatehouse.registry.trust.Trust;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.testing.ModelTestImages;
import io.gatehouse.testing.RegistryProxy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * mirrorImage server-side (the default) for real: CNCF Distribution with htpasswd plays the public upstream, our
 * registry (auth, trust and mirrors wired as its Main does) runs the mirror itself on {@code POST /api/v1/mirrors/…};
 * Jenkins is a service account and passes the upstream credential from a (mocked) Jenkins credential.
 */
class MirrorServerSideTest {
    static final String UPSTREAM_PASSWORD = "Up5tream-s3cret-pw";
    @RegisterExtension
    static final LoopbackResources resources = new LoopbackResources();
    @TempDir
    static Path dir;
    static DistributionRegistry upstream;
    /** The upstream, answering manifest requests only when a test lets it ({@link #held}). */
    static RegistryProxy gated;
    static final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    static RegistryServer server;
    static String token;
    static String digest;
    StepHarness h;

    @BeforeAll
    static void start() throws IOException {
        upstream = resources.closeAfterAll(DistributionRegistry.startWithBasicAuth(dir.resolve("upstream"), "mirror", UPSTREAM_PASSWORD));
        RegistryClient upstreamClient = RegistryClient.builder(upstream.hostPort()).credentials(Credentials.basic("mirror", UPSTREAM_PASSWORD)).build();
        ModelTestImages.Image image = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(20_000, 51));
        for (String tag : List.of("3.20", "3.21", "edge")) {
            image.push(upstreamClient, RepositoryName.of("library/alpine"), tag);
        }
        digest = image.manifest().digest().toString();
        gated = resources.closeAfterAll(RegistryProxy.start(upstream.url()).rule(RegistryProxy.stallManifests(held, Duration.ofSeconds(60))));

        RegistryConfig config = RegistryConfig.forTesting(Files.createDirectories(dir.resolve("ours")));
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthWiring w = TestRegistries.installAuth(b, config);
        Trust.install(b, s -> w.module().api(), s -> w.module().auditLog());
        Mirrors.install(b, s -> w.module().api(), s -> w.module().auditLog(), s -> w.module().tokens());
        server = resources.closeAfterAll(b.build().start());
        token = w.module().accounts().createServiceAccount("jenkins", "Jenkins CI", null, true, "test").token();
    }

    private List<String> mirror(String password, boolean dryRun) throws Exception {
        h = resources.harness(server.baseUrl(), "jenkins", token);
        h.usernamePassword("upstream", "mirror", password);
        MirrorImageStep s = new MirrorImageStep(upstream.hostPort() + "/library/alpine", "mirror/alpine");
        s.setTags("3\\.2[0-9]");
        s.setCredentialsId("upstream");
        s.setDryRun(dryRun);
        return new MirrorImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run();
    }

    @Test
    void dryRunThenCopyThenNothingToDoAllInTheRegistry() throws Exception {
        mirror(UPSTREAM_PASSWORD, true);
        assertThat(h.log()).contains("planned", "0 copied, 2 to copy, 0 skipped");
        RegistryGatehouseService ours = new RegistryGatehouseService(
                new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(5)), new RegistryAuth("jenkins", token.toCharArray()));
        assertThatThrownBy(() -> ours.resolveDigest(ImageArgument.parse("mirror/alpine:3.20", server.registryHost()))).isInstanceOf(IOException.class);
        h.close();

        List<String> refs = mirror(UPSTREAM_PASSWORD, false);
        String host = server.registryHost();
        assertThat(refs).containsExactlyInAnyOrder(host + "/mirror/alpine:3.20@" + digest,
                host + "/mirror/alpine:3.21@" + digest);
        assertThat(h.log()).contains("TAG", "copied", "2 copied, 0 skipped").doesNotContain(UPSTREAM_PASSWORD).doesNotContain(token);
        assertThat(ours.resolveDigest(ImageArgument.parse("mirror/alpine:3.21", host))).isEqualTo(digest);
        h.close();

        assertThat(mirror(UPSTREAM_PASSWORD, false)).hasSize(2);
        assertThat(h.log()).contains("up to date", "0 copied, 2 skipped");
    }

    @Test
    void aWrongUpstreamPasswordFailsClearlyWithoutEchoingIt() {
        assertThatThrownBy(() -> mirror("not-the-password", false))
                .isInstanceOf(IOException.class).hasMessageContaining("MIRROR_FAILED").hasMessageNotContaining("not-the-password");
    }

    @Test
    void aRunIntoATargetAnotherRunHoldsIsRefusedWithTheWayOut() throws Exception {
        // a run started elsewhere (the web interface starts them so) waits on the upstream, holding mirror/held
        java.net.http.HttpResponse<String> started = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(URI.create(server.baseUrl() + "/api/v1/mirrors/mirror/held?wait=false"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString(("jenkins:" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8))).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                        {"upstream": "%s/library/alpine", "tags": "edge", "credentials": {"username": "mirror", "password": "%s"}}"""
                        .formatted(gated.hostPort(), UPSTREAM_PASSWORD))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        try {
            h = resources.harness(server.baseUrl(), "jenkins", token);
            h.usernamePassword("upstream", "mirror", UPSTREAM_PASSWORD);
            MirrorImageStep s = new MirrorImageStep(upstream.hostPort() + "/library/alpine", "mirror/held");
            s.setCredentialsId("upstream");
            assertThatThrownBy(() -> new MirrorImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run())
                    .isInstanceOf(IOException.class).hasMessageContaining("409 MIRROR_RUNNING")
                    .hasMessageContaining("disableConcurrentBuilds()").hasMessageNotContaining(UPSTREAM_PASSWORD);
        } finally {
            held.countDown();
        }
    }
}
