package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import hudson.FilePath;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.MirrorRequest;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ImagePusher;
import io.gatehouse.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * mirrorImage(onAgent: true) for real: CNCF Distribution plays the public upstream, our registry the target, both
 * on loopback; core's copy engine runs inside the FilePath callable, which goes through Java serialization as it would
 * over the remoting channel (the deserialized copy is what runs).
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

    /** What went to the agent, as serialized bytes, and the classes those bytes named. */
    final List<byte[]> sentToAgent = new ArrayList<>();
    final Set<String> classesSentToAgent = new TreeSet<>();

    private StepHarness harness(boolean inNode) throws Exception {
        return inAWorkspace(resources.harness(server.baseUrl()), inNode);
    }

    /**
     * The workspace's FilePath.act does what remoting does: the callable is serialized (Java serialization), the copy
     * deserialized on the other side is what runs, and its result comes back the same way.
     */
    private StepHarness inAWorkspace(StepHarness harness, boolean inNode) throws Exception {
        h = harness;
        if (inNode) {
            FilePath workspace = mock(FilePath.class);
            when(workspace.act(any(FilePath.FileCallable.class))).thenAnswer(inv -> {
                byte[] bytes = serialize(inv.getArgument(0));
                sentToAgent.add(bytes);
                FilePath.FileCallable<?> onTheAgent = (FilePath.FileCallable<?>) deserialize(bytes, classesSentToAgent);
                return deserialize(serialize(onTheAgent.invoke(dir.toFile(), null)), new TreeSet<>());
            });
            when(h.context.get(FilePath.class)).thenReturn(workspace);
        }
        return h;
    }

    static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    static Object deserialize(byte[] bytes, Set<String> classes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                classes.add(desc.getName());
                return super.resolveClass(desc);
            }
        }) {
            return in.readObject();
        }
    }

    /** Whether {@code secret} appears in serialized {@code bytes}, as a String (modified UTF-8) or a char[] (UTF-16). */
    static boolean holds(byte[] bytes, String secret) {
        return indexOf(bytes, secret.getBytes(StandardCharsets.UTF_8)) >= 0 || indexOf(bytes, secret.getBytes(StandardCharsets.UTF_16BE)) >= 0;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
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

    /**
     * What crosses the remoting channel: our own serializable records only (no Jenkins Secret, no credentials object,
     * nothing of Jenkins' or Mockito's), the upstream credential the agent needs to pull, and no credential the step
     * does not use, the registry's own service-account secret included: the agent gets a token scoped to the target
     * repository instead (this registry has no access control, so none at all; {@link MirrorOnAgentScopedTokenTest}
     * shows the token of a registry with access control).
     */
    @Test
    void whatGoesToTheAgentIsSerializableAndHoldsOnlyTheCredentialsTheCopyUses() throws Exception {
        inAWorkspace(resources.harness(server.baseUrl(), "robot", "registry-token-4711"), true);
        h.usernamePassword("upstream-pull", "puller", "upstream-pw-0815");
        h.usernamePassword("unrelated", "someone", "unrelated-pw-1234");
        MirrorImageStep s = step("mirror/serialized", false);
        s.setCredentialsId("upstream-pull");
        List<String> mirrored = new MirrorImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run();
        assertThat(mirrored).hasSize(2); // the deserialized copy did the work
        assertThat(digestInOurRegistry("mirror/serialized", "3.20")).isEqualTo(image.manifest().digest());

        assertThat(sentToAgent).hasSize(1);
        byte[] sent = sentToAgent.get(0);
        Set<String> ours = Set.of(AgentMirror.class.getName(), "jenkins.MasterToSlaveFileCallable",
                ConnectionSettings.class.getName(), io.gatehouse.jenkins.service.ProxySettings.class.getName(),
                RegistryAuth.class.getName(), MirrorRequest.class.getName());
        assertThat(classesSentToAgent).as("classes in the stream beyond the JDK's and our records")
                .filteredOn(c -> !c.startsWith("java.") && !c.startsWith("[") && !ours.contains(c)).isEmpty();
        assertThat(classesSentToAgent).contains(AgentMirror.class.getName())
                .doesNotContain(hudson.util.Secret.class.getName())
                .noneMatch(c -> c.startsWith("com.cloudbees.") || c.startsWith("hudson.") || c.startsWith("org.mockito."));
        assertThat(holds(sent, "upstream-pw-0815")).as("the upstream credential the agent pulls with").isTrue();
        assertThat(holds(sent, "unrelated-pw-1234")).as("a credential the step does not use").isFalse();
        assertThat(holds(sent, "s3cret-robot")).as("another registry credential of the Jenkins instance").isFalse();
        assertThat(holds(sent, "registry-token-4711")).as("the registry service account's secret").isFalse();
        assertThat(h.log()).contains("The agent gets no registry credential (the registry needs none)");
    }

    @Test
    void onAgentOutsideANodeSaysWhatToDo() throws Exception {
        harness(false);
        assertThatThrownBy(() -> new MirrorImageStep.Execution(step("mirror/alpine", false), h.context, h.environment(RegistryGatehouseService::new)).run())
                .isInstanceOf(hudson.AbortException.class).hasMessageContaining("node");
    }
}
