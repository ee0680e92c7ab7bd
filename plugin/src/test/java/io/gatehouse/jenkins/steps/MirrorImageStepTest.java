package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.gatehouse.jenkins.service.MirrorOutcome;
import io.gatehouse.jenkins.service.MirrorRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class MirrorImageStepTest {
    static final String D1 = "sha256:" + "a".repeat(64);
    static final String D2 = "sha256:" + "b".repeat(64);
    final StepHarness h;

    MirrorImageStepTest() throws Exception {
        h = new StepHarness();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private MirrorImageStep step() {
        MirrorImageStep s = new MirrorImageStep("docker.io/library/alpine", "mirror/alpine");
        s.setTags("^3\\.2[0-9]$");
        s.setPlatforms("linux/amd64,linux/arm64");
        s.setCredentialsId("dockerhub");
        return s;
    }

    @Test
    void mirrorsPrintsATableAndReturnsReferencesWithDigests() throws Exception {
        var dockerhub = h.usernamePassword("dockerhub", "hubuser", "hubpass");
        when(h.service.mirror(any())).thenReturn(new MirrorOutcome(List.of(
                new MirrorOutcome.Row("3.20", "registry.example.com:5443/mirror/alpine:3.20", D1, "copied", null),
                new MirrorOutcome.Row("3.21", "registry.example.com:5443/mirror/alpine:3.21", D2, "skipped", "up to date"))));

        List<String> result = new MirrorImageStep.Execution(step(), h.context, h.environment()).run();

        assertThat(result).containsExactly("registry.example.com:5443/mirror/alpine:3.20@" + D1,
                "registry.example.com:5443/mirror/alpine:3.21@" + D2);
        ArgumentCaptor<MirrorRequest> req = ArgumentCaptor.forClass(MirrorRequest.class);
        verify(h.service).mirror(req.capture());
        assertThat(req.getValue().source()).isEqualTo("docker.io/library/alpine");
        assertThat(req.getValue().target()).isEqualTo("mirror/alpine");
        assertThat(req.getValue().tags()).isEqualTo("^3\\.2[0-9]$");
        assertThat(req.getValue().platforms()).isEqualTo("linux/amd64,linux/arm64");
        assertThat(req.getValue().dryRun()).isFalse();
        assertThat(req.getValue().upstreamAuth().username()).isEqualTo("hubuser");
        assertThat(new String(req.getValue().upstreamAuth().secret())).isEqualTo("hubpass");
        // The registry credential comes from the global configuration; both are tracked on the run.
        assertThat(h.openedWith).singleElement().satisfies(a -> assertThat(a.username()).isEqualTo("robot"));
        h.credentials.verify(() -> CredentialsProvider.track(h.run, dockerhub));
        assertThat(h.log()).contains("TAG", "ACTION", "3.20", "copied", "3.21", "skipped", "up to date", "1 copied, 1 skipped")
                .doesNotContain("hubpass").doesNotContain("s3cret-robot");
    }

    @Test
    void dryRunIsPassedThrough() throws Exception {
        MirrorImageStep s = step();
        s.setDryRun(true);
        when(h.service.mirror(any())).thenReturn(new MirrorOutcome(List.of()));
        h.usernamePassword("dockerhub", "u", "p");
        assertThat(new MirrorImageStep.Execution(s, h.context, h.environment()).run()).isEmpty();
        ArgumentCaptor<MirrorRequest> req = ArgumentCaptor.forClass(MirrorRequest.class);
        verify(h.service).mirror(req.capture());
        assertThat(req.getValue().dryRun()).isTrue();
        assertThat(h.log()).contains("[dry run]");
    }

    @Test
    void badArgumentsFailTheBuildBeforeAnythingIsCopied() throws Exception {
        MirrorImageStep badRegex = new MirrorImageStep("docker.io/library/alpine", "mirror/alpine");
        badRegex.setTags("^3.(");
        assertThatThrownBy(() -> new MirrorImageStep.Execution(badRegex, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("regular expression");

        MirrorImageStep badTarget = new MirrorImageStep("docker.io/library/alpine", "Mirror/../Alpine");
        assertThatThrownBy(() -> new MirrorImageStep.Execution(badTarget, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("invalid repository name");

        MirrorImageStep noSource = new MirrorImageStep(" ", "mirror/alpine");
        assertThatThrownBy(() -> new MirrorImageStep.Execution(noSource, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("source is required");

        MirrorImageStep onAgent = step();
        onAgent.setOnAgent(true);
        assertThatThrownBy(() -> new MirrorImageStep.Execution(onAgent, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("onAgent");
        verify(h.service, never()).mirror(any());
    }

    @Test
    void unknownCredentialsFailWithTheIdNeverASecret() throws Exception {
        MirrorImageStep s = new MirrorImageStep("docker.io/library/alpine", "mirror/alpine");
        s.setCredentialsId("nope");
        assertThatThrownBy(() -> new MirrorImageStep.Execution(s, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("'nope'");
        verify(h.service, never()).mirror(any());
    }

    @Test
    void anUnconfiguredRegistryFailsWithWhereToConfigureIt() {
        h.config.setRegistryUrl(null);
        assertThatThrownBy(() -> new MirrorImageStep.Execution(step(), h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("Manage Jenkins");
        verifyNoInteractions(h.service);
    }

    @Test
    void descriptorNamesTheStepAndItsContext() {
        var d = new MirrorImageStep.DescriptorImpl();
        assertThat(d.getFunctionName()).isEqualTo("mirrorImage");
        assertThat(java.util.Set.<Object>copyOf(d.getRequiredContext())).isEqualTo(java.util.Set.of(Run.class, TaskListener.class));
        assertThat(d.getDisplayName()).isNotBlank();
    }

    @Test
    void setterBlankMeansUnset() {
        MirrorImageStep s = new MirrorImageStep("a", "b");
        s.setTags("  ");
        s.setCredentialsId("");
        assertThat(s.getTags()).isNull();
        assertThat(s.getCredentialsId()).isNull();
    }
}
