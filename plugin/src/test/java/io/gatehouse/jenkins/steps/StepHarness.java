package io.gatehouse.jenkins.steps;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
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

    StepHarness() throws Exception {
        when(context.get(Run.class)).thenReturn((Run) run);
        when(context.get(TaskListener.class)).thenReturn(listener);
        when(listener.getLogger()).thenReturn(new PrintStream(logBytes, true, StandardCharsets.UTF_8));
        usernamePassword("registry-robot", "robot", "s3cret-robot");
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

    /** Registers a username/password credential visible to the run under {@code id}. */
    StandardUsernamePasswordCredentials usernamePassword(String id, String user, String password) {
        StandardUsernamePasswordCredentials c = mock(StandardUsernamePasswordCredentials.class);
        Secret secret = mock(Secret.class);
        when(secret.getPlainText()).thenReturn(password);
        when(c.getUsername()).thenReturn(user);
        when(c.getPassword()).thenReturn(secret);
        when(c.getId()).thenReturn(id);
        credentials.when(() -> CredentialsProvider.findCredentialById(eq(id), eq(StandardUsernamePasswordCredentials.class), any(Run.class)))
                .thenReturn(c);
        return c;
    }

    String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        credentials.close();
    }

    static String anyId() {
        return anyString();
    }
}
