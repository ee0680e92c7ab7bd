package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import hudson.FilePath;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ImagePusher;
import io.gatehouse.testing.TestImages;
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
 * mirrorImage(onAgent: true) for real: CNCF Distribution plays the public upstream, our registry the target, both
 * on loopback; core's copy engine runs inside the FilePath callable (executed in-process here, as the agent would).
 */
class MirrorOnAgentTest {
    @RegisterExtension
    static final LoopbackResources resources = new LoopbackResources();
    @TempDir
    static Path dir;
    static DistributionRegistry upstream;
    static RegistryServer server;
    static TestImages.Image image;
    StepHarness h;

    @BeforeAll
    static void start() throws IOException {
        upstream = resources.closeAfterAll(DistributionRegistry.start(Files.createDirectories(dir.resolve("upstream"))));
        server = resources.closeAfterAll(RegistryServer.builder(RegistryConfig.forTesting(Files.createDirectories(dir.resolve("ours")))).build().start());
        image = TestImages.image(11);
        ImagePusher pusher = new ImagePusher(upstream.url());
        for (String tag : List.of("3.20", "3.21", "edge")) {
            pusher.push("library/alpine", tag, image);
        }
    }

    private StepHarness harness(boolean inNode) throws Exception {
        h = resources.harness(server.baseUrl());
        if (inNode) {
            FilePath workspace = mock(FilePath.class);
            when(workspace.act(any())).thenAnswer(inv -> ((FilePath.FileCallable<?>) inv.getArgument(0)).invoke(dir.toFile(), null));
            when(h.context.get(FilePath.class)).thenReturn(workspace);
        }
        return h;
    }

    private MirrorImageStep step(String target, boolean dryRun) {
        MirrorImageStep s = new MirrorImageStep(upstream.hostPort() + "/library/alpine", target);
        s.setTags("^3\\.2[0-9]$");
        s.setOnAgent(true);
        s.setDryRun(dryRun);
        return s;
    }

    private String digestInOurRegistry(String repo, String tag) throws IOException {
        var service = new RegistryGatehouseService(new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(5)), null);
        return service.resolveDigest(ImageArgument.parse(repo + ":" + tag, server.registryHost()));
    }

    @Test
    void copiesTheMatchingTagsThenSkipsThemWhenUnchanged() throws Exception {
        harness(true);
        List<String> first = new MirrorImageStep.Execution(step("mirror/alpine", false), h.context, h.environment(RegistryGatehouseService::new)).run();
        String digest = image.manifest().digest();
        assertThat(first).containsExactlyInAnyOrder(
                server.registryHost() + "/mirror/alpine:3.20@" + digest, server.registryHost() + "/mirror/alpine:3.21@" + digest);
        assertThat(h.log()).contains("on the agent", "copied", "2 copied, 0 skipped").doesNotContain("edge");
        assertThat(digestInOurRegistry("mirror/alpine", "3.21")).isEqualTo(digest);
        assertThatThrownBy(() -> digestInOurRegistry("mirror/alpine", "edge")).hasMessageContaining("not found");

        h.close();
        harness(true);
        List<String> second = new MirrorImageStep.Execution(step("mirror/alpine", false), h.context, h.environment(RegistryGatehouseService::new)).run();
        assertThat(second).containsExactlyInAnyOrderElementsOf(first);
        assertThat(h.log()).contains("up to date", "0 copied, 2 skipped");
    }

    @Test
    void dryRunPlansWithoutCopying() throws Exception {
        harness(true);
        List<String> planned = new MirrorImageStep.Execution(step("mirror/planned", true), h.context, h.environment(RegistryGatehouseService::new)).run();
        assertThat(planned).hasSize(2);
        assertThat(h.log()).contains("planned", "2 to copy");
        assertThatThrownBy(() -> digestInOurRegistry("mirror/planned", "3.20")).hasMessageContaining("not found");
    }

    @Test
    void onAgentOutsideANodeSaysWhatToDo() throws Exception {
        harness(false);
        assertThatThrownBy(() -> new MirrorImageStep.Execution(step("mirror/alpine", false), h.context, h.environment(RegistryGatehouseService::new)).run())
                .isInstanceOf(hudson.AbortException.class).hasMessageContaining("node");
    }
}
