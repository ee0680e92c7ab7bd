package io.gatehouse.jenkins.e2e;

import io.gatehouse.core.sign.Keys;
import io.gatehouse.core.sign.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Jenkins controller and one set of registries for every end-to-end test class of the run: starting Jenkins
 * costs tens of seconds, so it starts once (on the first class that uses it, {@code @ExtendWith(E2E.class)}) and stops
 * when the whole test run ends (a closeable resource in JUnit's root store).
 *
 * <p>What the environment holds when a test starts (tests add their own jobs; they must not undo this):
 * <ul>
 *   <li>credentials, created the way an administrator scripts them outside the plugin (the script console):
 *       {@link #REGISTRY_CREDENTIALS} (username/password: the registry's service account {@code jenkins} and its token),
 *       {@link #REGISTRY_TOKEN} (secret text: the same token), {@link #UPSTREAM_CREDENTIALS} (username/password of the
 *       upstream Distribution), {@link #KEY} (secret file: a cosign-encrypted key), {@link #KEY_PASSPHRASE} (secret
 *       text), {@link #PEM_KEY} (secret file: an unencrypted PKCS#8 key);</li>
 *   <li>the Gatehouse global configuration saved through the real form: the registry URL and
 *       {@link #REGISTRY_CREDENTIALS} (tests that change it put it back with {@link #configureDefaults()}).</li>
 * </ul>
 */
public final class E2E implements BeforeAllCallback {
    public static final String REGISTRY_CREDENTIALS = "gatehouse-robot";
    public static final String REGISTRY_TOKEN = "gatehouse-token";
    public static final String UPSTREAM_CREDENTIALS = "upstream-mirror";
    public static final String KEY = "release-key";
    public static final String KEY_PASSPHRASE = "release-key-passphrase";
    public static final String PEM_KEY = "pem-key";
    static final String PASSPHRASE = "correct horse battery";
    /** A Pipeline job with a cron trigger (every minute) mirroring base:1.0 into cron/base; ControllerLifecycleIT checks it fired. */
    public static final String CRON_JOB = "cron-mirror";

    private static Environment environment;

    /** The started environment (for use after {@code @ExtendWith(E2E.class)} ran). */
    public static RealJenkins jenkins() {
        return environment.jenkins;
    }

    public static E2ERegistry registry() {
        return environment.registry;
    }

    /** The key in {@link #KEY} and {@link #PEM_KEY}: its public half verifies what the builds sign. */
    public static SigningKey signingKey() {
        return environment.key;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws Exception {
        if (environment != null) {
            return;
        }
        Path dir = Files.createTempDirectory("gatehouse-e2e-");
        Environment env = new Environment(dir);
        try {
            env.start();
        } catch (Throwable t) {
            environment = null;
            try {
                env.close();
            } catch (Exception e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        environment = env;
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(E2E.class.getName(), env);
    }

    /** Puts the global configuration back to what tests start from: registry URL and service-account credential, no policies. */
    public static void configureDefaults() throws Exception {
        configure(new java.util.LinkedHashMap<>());
    }

    /** The default section plus these named policies (name → document), submitted through the real form. */
    public static void configure(java.util.Map<String, String> policies) throws Exception {
        var r = jenkins().configSubmit(section(policies));
        if (r.statusCode() != 302) {
            throw new AssertionError("configSubmit: HTTP " + r.statusCode() + "\n" + r.body() + "\n" + jenkins().logTail());
        }
    }

    /**
     * The Gatehouse section of the form as the browser's form tree encodes it: a repeatable with one entry is an
     * object, with several an array, with none absent (which is why deleting the last policy used to do nothing).
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode section(java.util.Map<String, String> policies) {
        var section = RealJenkins.JSON.createObjectNode()
                .put("registryUrl", registry().url())
                .put("credentialsId", REGISTRY_CREDENTIALS)
                .put("caCertificate", "")
                .put("insecure", false)
                .put("connectTimeoutSeconds", "30")
                .put("scanTimeout", "1m")
                .put("publishPolicies", true);
        var list = RealJenkins.JSON.createArrayNode();
        policies.forEach((name, document) -> list.addObject().put("name", name).put("document", document));
        if (list.size() == 1) {
            section.set("policies", list.get(0));
        } else if (list.size() > 1) {
            section.set("policies", list);
        }
        return section;
    }

    /** A policy promoting to {@code target} when the image has no critical finding. */
    public static String releasePolicy(String name, String target) {
        return """
                {"schemaVersion": 1, "name": "%s", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}},
                 "promotion": {"targetRepository": "%s"}}""".formatted(name, target);
    }

    private static final class Environment implements ExtensionContext.Store.CloseableResource {
        final Path dir;
        E2ERegistry registry;
        RealJenkins jenkins;
        SigningKey key;

        Environment(Path dir) {
            this.dir = dir;
        }

        void start() throws Exception {
            registry = new E2ERegistry(Files.createDirectories(dir.resolve("registries")));
            Path hpi = Path.of(System.getProperty("gatehouse.hpi", "target/gatehouse.hpi"));
            jenkins = RealJenkins.start(Files.createDirectories(dir.resolve("jenkins")), hpi, List.of());
            key = Keys.generate();
            environment = this;
            addCredentials();
            configureDefaults();
            createCronJob();
        }

        /**
         * The cron-triggered mirror job ({@link #CRON_JOB}), created up front: Jenkins checks timer triggers once a minute
         * (hudson.triggers.Trigger.Cron), so the first run comes within two minutes, while other tests run.
         */
        private void createCronJob() throws Exception {
            String script = "mirrorImage(source: '%s/library/base', target: 'cron/base', tags: '1\\\\.0', credentialsId: '%s')"
                    .formatted(registry.upstream.hostPort(), UPSTREAM_CREDENTIALS);
            // one build at a time, as src-examples/jenkins/mirror-scheduled.Jenkinsfile says: on a loaded machine
            // the first build can take over a minute to reach its step, and the next minute's build (started while
            // builds of one Pipeline job may overlap) can then hold cron/base: CI saw build #1 refused MIRROR_RUNNING
            jenkins.job(CRON_JOB, RealJenkins.pipelineXml(script, """
                    <org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty/>
                    <org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty>
                      <triggers><hudson.triggers.TimerTrigger><spec>* * * * *</spec></hudson.triggers.TimerTrigger></triggers>
                    </org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty>"""));
        }

        private void addCredentials() throws Exception {
            String encrypted = Keys.toCosignEncryptedPem(key, PASSPHRASE.toCharArray());
            String pem = Keys.toPkcs8Pem(key);
            String out = jenkins.groovy("""
                    import com.cloudbees.plugins.credentials.*
                    import com.cloudbees.plugins.credentials.domains.Domain
                    import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl
                    import org.jenkinsci.plugins.plaincredentials.impl.*
                    import hudson.util.Secret
                    def store = SystemCredentialsProvider.getInstance().getStore()
                    def add = { c -> store.addCredentials(Domain.global(), c) }
                    add(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, '%s', 'registry service account', 'jenkins', '%s'))
                    add(new StringCredentialsImpl(CredentialsScope.GLOBAL, '%s', 'registry token', Secret.fromString('%s')))
                    add(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, '%s', 'upstream', '%s', '%s'))
                    add(new FileCredentialsImpl(CredentialsScope.GLOBAL, '%s', 'cosign key', 'cosign.key',
                            SecretBytes.fromBytes(Base64.decoder.decode('%s'))))
                    add(new StringCredentialsImpl(CredentialsScope.GLOBAL, '%s', 'key passphrase', Secret.fromString('%s')))
                    add(new FileCredentialsImpl(CredentialsScope.GLOBAL, '%s', 'pem key', 'release.pem',
                            SecretBytes.fromBytes(Base64.decoder.decode('%s'))))
                    println 'credentials: ' + store.getCredentials(Domain.global()).size()
                    """.formatted(REGISTRY_CREDENTIALS, registry.token, REGISTRY_TOKEN, registry.token,
                    UPSTREAM_CREDENTIALS, E2ERegistry.UPSTREAM_USER, E2ERegistry.UPSTREAM_PASSWORD,
                    KEY, b64(encrypted), KEY_PASSPHRASE, PASSPHRASE, PEM_KEY, b64(pem)));
            if (!out.contains("credentials: 6")) {
                throw new AssertionError("adding credentials: " + out);
            }
        }

        private static String b64(String s) {
            return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void close() throws Exception {
            try {
                if (jenkins != null) {
                    jenkins.close();
                }
            } finally {
                try {
                    if (registry != null) {
                        registry.close();
                    }
                } finally {
                    // jenkins.war and the plugins are ~200 MB per run: do not leave them in /tmp
                    // (-Dgatehouse.e2e.keep=true keeps the folder, with jenkins.log, for a post-mortem)
                    if (!Boolean.getBoolean("gatehouse.e2e.keep")) {
                        try (var paths = Files.walk(dir)) {
                            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                        }
                    }
                }
            }
        }
    }
}
