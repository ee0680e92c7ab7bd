package io.gatehouse.jenkins.steps;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The teardown every step test against real registries on loopback needs, in one place: the registries its
 * {@code @BeforeAll} started are closed after the class (last started, first closed), and the test's current
 * {@link StepHarness} after each test (it holds a static mock of CredentialsProvider that must not leak into the next
 * test). Use it as a {@code static} {@code @RegisterExtension} field.
 */
final class LoopbackResources implements AfterEachCallback, AfterAllCallback {
    /** Id of the Jenkins credential holding the registry service account's name and token. */
    static final String REGISTRY_CREDENTIALS_ID = "gatehouse-jenkins";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private StepHarness harness;

    /** Closes {@code resource} (a registry, a Distribution) after the test class; returns it. */
    <T extends AutoCloseable> T closeAfterAll(T resource) {
        started.push(resource);
        return resource;
    }

    /** A harness whose global configuration points at {@code registryUrl} without a credential (anonymous access). */
    StepHarness harness(String registryUrl) throws Exception {
        StepHarness h = open();
        h.config.setRegistryUrl(registryUrl);
        h.config.setCredentialsId(null);
        return h;
    }

    /** A harness that reaches {@code registryUrl} as service account {@code user} with {@code token} (a Jenkins credential). */
    StepHarness harness(String registryUrl, String user, String token) throws Exception {
        StepHarness h = open();
        h.usernamePassword(REGISTRY_CREDENTIALS_ID, user, token);
        h.config.setRegistryUrl(registryUrl);
        h.config.setCredentialsId(REGISTRY_CREDENTIALS_ID);
        return h;
    }

    private StepHarness open() throws Exception {
        harness = new StepHarness();
        return harness;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (harness != null) {
            harness.close();
            harness = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
