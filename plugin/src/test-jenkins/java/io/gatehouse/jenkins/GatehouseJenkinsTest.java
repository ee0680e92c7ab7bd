package io.gatehouse.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.domains.Domain;
import hudson.model.Result;
import hudson.util.Secret;
import io.gatehouse.core.sign.Keys;
import io.gatehouse.core.sign.SigningKey;
import io.gatehouse.jenkins.steps.MirrorImageStep;
import io.gatehouse.jenkins.steps.PromoteImageStep;
import io.gatehouse.jenkins.steps.ScanImageStep;
import io.gatehouse.jenkins.steps.SignImageStep;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.ImagePusher;
import io.gatehouse.testing.TestImages;
import io.jenkins.plugins.casc.ConfigurationAsCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The same plugin inside a real Jenkins (JenkinsRule). Only built with -Pjenkins, on machines that reach
 * repo.jenkins-ci.org: `mvn -Pjenkins -pl plugin -am verify`. Our CI cannot; see docs/plugin.md.
 */
@WithJenkins
class GatehouseJenkinsTest {
    static final String POLICY = "{\"schemaVersion\": 1, \"name\": \"no-critical\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"critical\": 0}}}}";

    @Test
    void globalConfigurationRoundTripsThroughTheForm(JenkinsRule j) throws Exception {
        GatehouseConfiguration c = GatehouseConfiguration.get();
        c.setRegistryUrl("https://registry.example.com");
        c.setCredentialsId("registry-robot");
        c.setScanTimeout("15m");
        c.setPolicies(List.of(new NamedPolicy("no-critical", POLICY)));
        j.configRoundtrip();
        GatehouseConfiguration after = GatehouseConfiguration.get();
        assertThat(after.getRegistryUrl()).isEqualTo("https://registry.example.com");
        assertThat(after.getCredentialsId()).isEqualTo("registry-robot");
        assertThat(after.getScanTimeout()).isEqualTo("15m");
        assertThat(after.findPolicy("no-critical").getDocument()).isEqualTo(POLICY);
    }

    @Test
    void configurationAsCodeExampleApplies(JenkinsRule j) throws Exception {
        ConfigurationAsCode.get().configure(Path.of("../src-examples/casc/gatehouse.yaml").toAbsolutePath().toUri().toString());
        GatehouseConfiguration c = GatehouseConfiguration.get();
        assertThat(c.getRegistryUrl()).isEqualTo("https://registry.example.com");
        assertThat(c.getPolicies()).extracting(NamedPolicy::getName).contains("no-critical");
    }

    @Test
    void snippetGeneratorRoundTripsEveryStep(JenkinsRule j) throws Exception {
        StepConfigTester t = new StepConfigTester(j);
        MirrorImageStep m = new MirrorImageStep("docker.io/library/alpine", "mirror/alpine");
        m.setTags("^3\\.2[0-9]$");
        m.setPlatforms("linux/amd64,linux/arm64");
        m.setDryRun(true);
        j.assertEqualDataBoundBeans(m, t.configRoundTrip(m));
        ScanImageStep s = new ScanImageStep("mirror/alpine:3.20");
        s.setPolicy("no-critical");
        s.setFailOn("HIGH");
        s.setWait("10m");
        s.setUnstable(true);
        j.assertEqualDataBoundBeans(s, t.configRoundTrip(s));
        PromoteImageStep p = new PromoteImageStep("mirror/alpine:3.20", "dev/alpine");
        p.setPolicy("no-critical");
        j.assertEqualDataBoundBeans(p, t.configRoundTrip(p));
        SignImageStep g = new SignImageStep("dev/alpine:3.20", "release-key");
        j.assertEqualDataBoundBeans(g, t.configRoundTrip(g));
    }

    @Test
    void signImageInAPipelineAgainstOurRegistry(JenkinsRule j, @TempDir Path dir) throws Exception {
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            new ImagePusher(server.baseUrl()).push("dev/alpine", "3.20", TestImages.image(7));
            SigningKey key = Keys.generate();
            String pem = Keys.toCosignEncryptedPem(key, "correct horse".toCharArray());
            var store = CredentialsProvider.lookupStores(j.jenkins).iterator().next();
            store.addCredentials(Domain.global(), new FileCredentialsImpl(CredentialsScope.GLOBAL, "release-key", "release key",
                    "cosign.key", SecretBytes.fromBytes(pem.getBytes(StandardCharsets.US_ASCII))));
            store.addCredentials(Domain.global(), new StringCredentialsImpl(CredentialsScope.GLOBAL, "release-pass", "passphrase",
                    Secret.fromString("correct horse")));
            GatehouseConfiguration.get().setRegistryUrl(server.baseUrl());

            WorkflowJob job = j.createProject(WorkflowJob.class, "sign");
            job.setDefinition(new CpsFlowDefinition(
                    "def r = signImage(image: 'dev/alpine:3.20', keyCredentialsId: 'release-key', passphraseCredentialsId: 'release-pass')\n"
                            + "echo \"keyId=${r.keyId}\"", true));
            WorkflowRun run = j.buildAndAssertSuccess(job);
            j.assertLogContains("keyId=" + key.keyId(), run);
            j.assertLogNotContains("correct horse", run);
        }
    }

    @Test
    void stepsWhoseRegistryApiHasNotLandedFailWithAClearMessage(JenkinsRule j, @TempDir Path dir) throws Exception {
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            GatehouseConfiguration.get().setRegistryUrl(server.baseUrl());
            WorkflowJob job = j.createProject(WorkflowJob.class, "mirror");
            job.setDefinition(new CpsFlowDefinition("mirrorImage(source: 'docker.io/library/alpine', target: 'mirror/alpine', dryRun: true)", true));
            WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);
            j.assertLogContains("not available", run);
        }
    }

    @Test
    void unconfiguredPluginFailsTheBuildWithWhereToConfigure(JenkinsRule j) throws Exception {
        Files.createDirectories(j.jenkins.getRootDir().toPath());
        WorkflowJob job = j.createProject(WorkflowJob.class, "unconfigured");
        job.setDefinition(new CpsFlowDefinition("scanImage(image: 'mirror/alpine:3.20')", true));
        j.assertLogContains("Manage Jenkins", j.buildAndAssertStatus(Result.FAILURE, job));
    }
}
