package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import hudson.FilePath;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.jenkins.TestRegistries;
import io.gatehouse.jenkins.service.AgentCredential;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ImagePusher;
import io.gatehouse.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * mirrorImage(onAgent: true) against our registry with access control wired as its Main does: the controller asks the
 * registry's token service (/auth/token) for a token limited to the target repository, and only that token goes to
 * the agent; the service account's own secret never does. CNCF Distribution is the upstream; a Distribution with
 * htpasswd plays a registry without a token service, where the step refuses instead of sending the password.
 */
class MirrorOnAgentScopedTokenTest {
    @RegisterExtension
    static final LoopbackResources resources = new LoopbackResources();
    @TempDir
    static Path dir;
    static DistributionRegistry upstream;
    static DistributionRegistry basicOnly;
    static RegistryServer server;
    static String token;
    static TestImages.Image image;

    @BeforeAll
    static void start() throws IOException {
        upstream = resources.closeAfterAll(DistributionRegistry.start(Files.createDirectories(dir.resolve("upstream"))));
        basicOnly = resources.closeAfterAll(DistributionRegistry.startWithBasicAuth(Files.createDirectories(dir.resolve("basic")), "jenkins", "basic-pw-9911"));
        RegistryConfig config = RegistryConfig.forTesting(Files.createDirectories(dir.resolve("ours")));
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthWiring wiring = TestRegistries.installAuth(b, config);
        server = resources.closeAfterAll(b.build().start());
        token = wiring.module().accounts().createServiceAccount("jenkins", "Jenkins CI", null, true, "test").token();
        image = TestImages.image(12);
        new ImagePusher(upstream.url()).push("library/alpine", "3.20", image);
        // an image elsewhere in our registry, which the service account may read but the agent's token must not
        var push = service(new RegistryAuth("jenkins", token.toCharArray())).signatureStore();
        push.putBlob("team/app", Digest.parse(image.config().digest()), image.config().bytes());
        for (TestImages.Blob blob : image.layers()) {
            push.putBlob("team/app", Digest.parse(blob.digest()), blob.bytes());
        }
        push.putManifest("team/app", "1.0", image.manifest().mediaType(), image.manifest().bytes());
    }

    static RegistryGatehouseService service(RegistryAuth auth) {
        return new RegistryGatehouseService(new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(5)), auth);
    }

    final List<byte[]> sentToAgent = new ArrayList<>();

    private StepHarness onAnAgent(StepHarness h) throws Exception {
        FilePath workspace = mock(FilePath.class);
        when(workspace.act(any(FilePath.FileCallable.class))).thenAnswer(inv -> {
            byte[] bytes = MirrorOnAgentTest.serialize(inv.getArgument(0));
            sentToAgent.add(bytes);
            FilePath.FileCallable<?> onTheAgent = (FilePath.FileCallable<?>) MirrorOnAgentTest.deserialize(bytes, new TreeSet<>());
            return onTheAgent.invoke(dir.toFile(), null);
        });
        when(h.context.get(FilePath.class)).thenReturn(workspace);
        return h;
    }

    private static MirrorImageStep step(String target) {
        MirrorImageStep s = new MirrorImageStep(upstream.hostPort() + "/library/alpine", target);
        s.setTags("^3\\.20$");
        s.setOnAgent(true);
        return s;
    }

    @Test
    void theAgentPushesWithATokenForTheTargetOnlyNeverWithTheServiceAccountsSecret() throws Exception {
        StepHarness h = onAnAgent(resources.harness(server.baseUrl(), "jenkins", token));
        List<String> mirrored = new MirrorImageStep.Execution(step("mirror/scoped"), h.context, h.environment(RegistryGatehouseService::new)).run();
        assertThat(mirrored).containsExactly(server.registryHost() + "/mirror/scoped:3.20@" + image.manifest().digest());
        assertThat(h.log()).contains("The agent gets a registry token for repository:mirror/scoped:pull,push valid until",
                "not the service account's secret");
        assertThat(sentToAgent).hasSize(1);
        assertThat(MirrorOnAgentTest.holds(sentToAgent.get(0), token)).as("the service account's secret").isFalse();
        assertThat(service(new RegistryAuth("jenkins", token.toCharArray()))
                .resolveDigest(ImageArgument.parse("mirror/scoped:3.20", server.registryHost()))).isEqualTo(image.manifest().digest());
    }

    @Test
    void theTokenIsGoodForItsRepositoryOnlyAndForMinutes() throws Exception {
        RegistryGatehouseService jenkins = service(new RegistryAuth("jenkins", token.toCharArray()));
        AgentCredential agent = jenkins.agentCredential(List.of("repository:mirror/only:pull,push"));
        assertThat(agent.auth().username()).as("a bearer token").isNull();
        assertThat(new String(agent.auth().secret())).isNotEqualTo(token);
        assertThat(agent.expiresAt()).isBetween(Instant.now(), Instant.now().plus(Duration.ofMinutes(10)));
        assertThat(agent.describe()).doesNotContain(new String(agent.auth().secret()));

        RegistryGatehouseService withToken = service(agent.auth());
        ImageArgument elsewhere = ImageArgument.parse("team/app:1.0", server.registryHost());
        assertThat(jenkins.resolveDigest(elsewhere)).as("the service account itself may read team/app").isEqualTo(image.manifest().digest());
        assertThatThrownBy(() -> withToken.resolveDigest(elsewhere)).as("the agent's token may not").isInstanceOf(IOException.class);
    }

    @Test
    void aRegistryWithoutATokenServiceIsRefusedRatherThanGivenThePassword() throws Exception {
        StepHarness h = onAnAgent(resources.harness(basicOnly.url(), "jenkins", "basic-pw-9911"));
        assertThatThrownBy(() -> new MirrorImageStep.Execution(step("mirror/never"), h.context, h.environment(RegistryGatehouseService::new)).run())
                .hasMessageContaining("no token service").hasMessageNotContaining("basic-pw-9911");
        assertThat(sentToAgent).isEmpty();
    }

    @Test
    void aSecretTextRegistryCredentialIsNeverSentToAnAgent() {
        RegistryGatehouseService bearer = service(new RegistryAuth(null, token.toCharArray()));
        assertThatThrownBy(() -> bearer.agentCredential(List.of("repository:mirror/x:pull,push")))
                .isInstanceOf(IOException.class).hasMessageContaining("username/password").hasMessageNotContaining(token);
    }
}
