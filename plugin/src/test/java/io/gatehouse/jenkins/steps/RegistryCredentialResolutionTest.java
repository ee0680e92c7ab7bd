package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import hudson.AbortException;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.ScanSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which registry credential a build uses (StepCredentials), with CredentialsProvider's two lookups as the credentials
 * plugin (1405) answers them: Jenkins' own store as SYSTEM holds System- and Global-scoped credentials; a job's context
 * ({@code findCredentialById(id, type, run, …)}) holds Global-scoped ones of Jenkins and of the folders above the job,
 * a folder's winning for the same id, and never System-scoped ones.
 */
class RegistryCredentialResolutionTest {
    final StepHarness h;

    RegistryCredentialResolutionTest() throws Exception {
        h = new StepHarness();
        h.rootStore.clear();
        h.config.setCredentialsId("gatehouse-robot");
    }

    @AfterEach
    void close() {
        h.close();
    }

    private RegistryAuth openedWith(ScanImageStep step) throws Exception {
        when(h.service.scan(any(), any(), any(), any())).thenReturn(
                new ScanSummary("x", "sha256:" + "a".repeat(64), Map.of(), List.of(), null, null));
        new ScanImageStep.Execution(step, h.context, h.environment()).run();
        assertThat(h.openedWith).hasSize(1);
        return h.openedWith.get(0);
    }

    @Test
    void aSystemScopedGlobalCredentialWorksInBuildsAsItDoesForTestConnection() throws Exception {
        h.systemScoped("gatehouse-robot", "jenkins", "system-scoped-token");
        RegistryAuth auth = openedWith(new ScanImageStep("mirror/alpine:3.20"));
        assertThat(auth.username()).isEqualTo("jenkins");
        assertThat(new String(auth.secret())).isEqualTo("system-scoped-token");
        assertThat(h.requirementUris).as("the registry URL is the domain requirement").containsExactly("https://registry.example.com:5443");
    }

    @Test
    void aFolderCredentialWithTheGlobalIdDoesNotReplaceTheGlobalOne() throws Exception {
        h.systemScoped("gatehouse-robot", "jenkins", "the-administrators-choice");
        h.inAFolder("gatehouse-robot", "mallory", "folder-owners-token");
        RegistryAuth auth = openedWith(new ScanImageStep("mirror/alpine:3.20"));
        assertThat(auth.username()).isEqualTo("jenkins");
    }

    @Test
    void aStepsRegistryCredentialIsResolvedInTheJobsContextAndWins() throws Exception {
        h.systemScoped("gatehouse-robot", "jenkins", "global-token");
        h.inAFolder("team-a-registry", "team-a-ci", "team-a-token");
        ScanImageStep step = new ScanImageStep("team-a/app:1.0");
        step.setRegistryCredentialsId("team-a-registry");
        RegistryAuth auth = openedWith(step);
        assertThat(auth.username()).isEqualTo("team-a-ci");
        assertThat(new String(auth.secret())).isEqualTo("team-a-token");
    }

    @Test
    void aStepCannotUseASystemScopedCredential() {
        h.systemScoped("gatehouse-robot", "jenkins", "global-token");
        h.systemScoped("admin-only", "root", "system-only-token");
        ScanImageStep step = new ScanImageStep("mirror/alpine:3.20");
        step.setRegistryCredentialsId("admin-only");
        assertThatThrownBy(() -> new ScanImageStep.Execution(step, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("registryCredentialsId").hasMessageContaining("'admin-only'").hasMessageContaining("Global-scoped")
                .hasMessageNotContaining("system-only-token");
        assertThat(h.openedWith).isEmpty();
    }

    @Test
    void aMissingGlobalCredentialSaysWhereToFixIt() {
        assertThatThrownBy(() -> new ScanImageStep.Execution(new ScanImageStep("mirror/alpine:3.20"), h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("'gatehouse-robot'").hasMessageContaining("Manage Jenkins");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static com.cloudbees.hudson.plugins.folder.AbstractFolder<?> folder(hudson.model.ItemGroup parent, String credentialsId) {
        var folder = org.mockito.Mockito.mock(com.cloudbees.hudson.plugins.folder.AbstractFolder.class);
        hudson.util.DescribableList props = org.mockito.Mockito.mock(hudson.util.DescribableList.class);
        when(folder.getParent()).thenReturn(parent);
        when(folder.getProperties()).thenReturn(props);
        if (credentialsId != null) {
            var p = new io.gatehouse.jenkins.folder.GatehouseFolderProperty();
            p.setRegistryCredentialsId(credentialsId);
            when(props.get(io.gatehouse.jenkins.folder.GatehouseFolderProperty.class)).thenReturn(p);
        }
        return folder;
    }

    /** team-a (sets a credential) / apps (sets none) / the job: the nearest folder that sets one wins over the global. */
    @Test
    void theNearestFolderWithAGatehouseCredentialOverridesTheGlobalOneAndAStepOverridesIt() throws Exception {
        h.systemScoped("gatehouse-robot", "jenkins", "global-token");
        h.inAFolder("team-a-registry", "team-a-ci", "team-a-token");
        h.inAFolder("release-registry", "release-ci", "release-token");
        var teamA = folder(h.jenkins, "team-a-registry");
        var apps = folder(teamA, null);
        hudson.model.Job<?, ?> job = org.mockito.Mockito.mock(hudson.model.Job.class);
        when(job.getParent()).thenReturn(apps);
        when(h.run.getParent()).thenAnswer(i -> job);
        assertThat(openedWith(new ScanImageStep("team-a/app:1.0")).username()).as("without the Folders plugin: the global one").isEqualTo("jenkins");
        h.openedWith.clear();
        h.credentialDefaults.add(new io.gatehouse.jenkins.folder.FolderCredentials());

        assertThat(openedWith(new ScanImageStep("team-a/app:1.0")).username()).isEqualTo("team-a-ci");

        h.openedWith.clear();
        ScanImageStep own = new ScanImageStep("team-a/app:1.0");
        own.setRegistryCredentialsId("release-registry");
        assertThat(openedWith(own).username()).isEqualTo("release-ci");
    }
}
