package io.gatehouse.jenkins.steps;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import com.cloudbees.plugins.credentials.domains.URIRequirementBuilder;
import hudson.ExtensionList;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.Secret;
import io.gatehouse.jenkins.GatehouseConfiguration;
import io.gatehouse.jenkins.TestConfigurations;
import io.gatehouse.jenkins.scan.ReportArchiver;
import io.gatehouse.jenkins.service.GatehouseService;
import io.gatehouse.jenkins.service.RegistryAuth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.mockito.MockedStatic;

/**
 * Mockito for the Jenkins edges we cannot run here (StepContext, Run, TaskListener, CredentialsProvider), and a
 * mock of our own GatehouseService for tests of a step's own logic ({@link #environment(
 * io.gatehouse.jenkins.service.GatehouseServiceFactory)} gives the real one, for tests against a registry on
 * loopback). Close it after each test (it holds a static mock of CredentialsProvider).
 */
final class StepHarness implements AutoCloseable {
    final StepContext context = mock(StepContext.class);
    final Run<?, ?> run = mock(Run.class);
    final TaskListener listener = mock(TaskListener.class);
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final GatehouseService service = mock(GatehouseService.class);
    final GatehouseConfiguration config = TestConfigurations.of("https://registry.example.com:5443", "registry-robot");
    final List<RegistryAuth> openedWith = new ArrayList<>();
    final List<String[]> archived = new ArrayList<>();
    final MockedStatic<CredentialsProvider> credentials = mockStatic(CredentialsProvider.class);
    final MockedStatic<Jenkins> jenkinsStatic = mockStatic(Jenkins.class);
    final MockedStatic<URIRequirementBuilder> uriRequirements = mockStatic(URIRequirementBuilder.class);
    final MockedStatic<ExtensionList> extensions = mockStatic(ExtensionList.class);
    /** The registered RegistryCredentialDefaults extensions (none: as without the Folders plugin). */
    final List<io.gatehouse.jenkins.RegistryCredentialDefaults> credentialDefaults = new ArrayList<>();
    final Jenkins jenkins = mock(Jenkins.class);
    /** Jenkins' own credentials store as SYSTEM sees it (System and Global scope): where the global credential is looked up. */
    final List<StandardCredentials> rootStore = new ArrayList<>();
    /** The domain requirements' URIs asked for, in order. */
    final List<String> requirementUris = new ArrayList<>();

    StepHarness() throws Exception {
        when(context.get(Run.class)).thenReturn((Run) run);
        when(context.get(TaskListener.class)).thenReturn(listener);
        when(listener.getLogger()).thenReturn(new PrintStream(logBytes, true, StandardCharsets.UTF_8));
        jenkinsStatic.when(Jenkins::get).thenReturn(jenkins);
        ExtensionList<io.gatehouse.jenkins.RegistryCredentialDefaults> defaults = mock(ExtensionList.class);
        when(defaults.iterator()).thenAnswer(i -> credentialDefaults.iterator());
        extensions.when(() -> ExtensionList.lookup(io.gatehouse.jenkins.RegistryCredentialDefaults.class)).thenReturn(defaults);
        uriRequirements.when(() -> URIRequirementBuilder.fromUri(anyString())).thenAnswer(inv -> {
            requirementUris.add(inv.getArgument(0));
            URIRequirementBuilder b = mock(URIRequirementBuilder.class);
            when(b.build()).thenReturn(List.of());
            return b;
        });
        credentials.when(() -> CredentialsProvider.lookupCredentialsInItemGroup(any(), any(), any(), any())).thenAnswer(inv -> {
            Class<?> type = inv.getArgument(0);
            return rootStore.stream().filter(type::isInstance).toList();
        });
        usernamePassword("registry-robot", "robot", "s3cret-robot");
    }

    /**
     * A Global-scoped username/password credential of Jenkins: visible to builds (in the job's context) and to the
     * plugin's own lookup as SYSTEM.
     */
    StandardUsernamePasswordCredentials usernamePassword(String id, String user, String password) {
        StandardUsernamePasswordCredentials c = visibleToRuns(id, user, password);
        rootStore.add(c);
        return c;
    }

    /** A System-scoped credential of Jenkins: found as SYSTEM on Jenkins itself, never in a job's context. */
    StandardUsernamePasswordCredentials systemScoped(String id, String user, String password) {
        StandardUsernamePasswordCredentials c = credential(id, user, password);
        rootStore.add(c);
        return c;
    }

    /** A credential of a folder above the job: visible in the job's context only (it wins there over Jenkins' own). */
    StandardUsernamePasswordCredentials inAFolder(String id, String user, String password) {
        return visibleToRuns(id, user, password);
    }

    StepEnvironment environment() {
        return environment((settings, auth) -> service);
    }

    /** With a real service factory (for tests against a registry on loopback). */
    StepEnvironment environment(io.gatehouse.jenkins.service.GatehouseServiceFactory factory) {
        ReportArchiver archiver = (r, l, path, content) -> archived.add(new String[] {path, content});
        return new StepEnvironment(() -> config, (settings, auth) -> {
            openedWith.add(auth);
            return factory.open(settings, auth);
        }, archiver);
    }

    private StandardUsernamePasswordCredentials visibleToRuns(String id, String user, String password) {
        StandardUsernamePasswordCredentials c = credential(id, user, password);
        credentials.when(() -> CredentialsProvider.findCredentialById(eq(id), eq(StandardUsernamePasswordCredentials.class), any(Run.class)))
                .thenReturn(c);
        credentials.when(() -> CredentialsProvider.findCredentialById(eq(id), eq(StandardUsernamePasswordCredentials.class), any(Run.class), anyList()))
                .thenReturn(c);
        return c;
    }

    private static StandardUsernamePasswordCredentials credential(String id, String user, String password) {
        StandardUsernamePasswordCredentials c = mock(StandardUsernamePasswordCredentials.class);
        Secret secret = mock(Secret.class);
        when(secret.getPlainText()).thenReturn(password);
        when(c.getUsername()).thenReturn(user);
        when(c.getPassword()).thenReturn(secret);
        when(c.getId()).thenReturn(id);
        return c;
    }

    String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        credentials.close();
        jenkinsStatic.close();
        uriRequirements.close();
        extensions.close();
    }

    static String anyId() {
        return anyString();
    }
}
