package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.AbortException;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.core.report.Severity;
import io.gatehouse.jenkins.NamedPolicy;
import io.gatehouse.jenkins.TestConfigurations;
import io.gatehouse.jenkins.service.Check;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.core.sign.SignatureStore;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.jenkins.TestRegistries;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.trust.Trust;
import io.gatehouse.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * promoteImage against our registry with access control and trust wired as its Main does: Jenkins (a service
 * account, name + token) publishes its named policy ({@code POST /api/v1/policies}), the registry evaluates it with
 * the scan report stored beside the image and promotes by digest ({@code POST /api/v1/repositories/{repo}/promotions}),
 * signing with its own key. Also scanImage's signature conditions, which ask this registry which trusted keys signed
 * an image. Only Jenkins is mocked.
 */
class PromoteImageRegistryTest {
    /** A policy promoting to dev/alpine when there is no critical finding; each test its own name (one registry for all). */
    static String release(String name) {
        return """
                {"schemaVersion": 1, "name": "%s", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}},
                 "promotion": {"targetRepository": "dev/alpine"}}""".formatted(name);
    }
    @RegisterExtension
    static final LoopbackResources resources = new LoopbackResources();
    @TempDir
    static Path dir;
    static RegistryServer server;
    static AuthWiring wiring;
    static String adminToken;
    static String readerToken;
    static TestImages.Image clean;
    static TestImages.Image vulnerable;
    StepHarness h;

    @BeforeAll
    static void start() throws Exception {
        RegistryConfig config = RegistryConfig.forTesting(dir);
        RegistryServer.Builder b = RegistryServer.builder(config);
        // As Main wires it (auth, then trust on the auth module's router), with cheap Argon2 parameters for CI.
        AuthWiring w = TestRegistries.installAuth(b, config);
        Trust.install(b, s -> w.module().api(), s -> w.module().auditLog());
        wiring = w;
        server = resources.closeAfterAll(b.build().start());
        adminToken = w.module().accounts().createServiceAccount("jenkins", "Jenkins CI", null, true, "test").token();
        readerToken = w.module().accounts().createServiceAccount("jenkins-reader", "no rights", null, false, "test").token();

        SignatureStore push = service(admin()).signatureStore();
        clean = TestImages.image(41);
        vulnerable = TestImages.image(42);
        push(push, "mirror/alpine", "3.20", clean);
        push(push, "mirror/alpine", "3.19", vulnerable);
        push(push, "mirror/alpine", null, report(clean, List.of()));
        push(push, "mirror/alpine", null, report(vulnerable, List.of(new Finding("CVE-2024-9999", List.of(), "openssl", "3.0.1", null, "apk",
                null, null, null, "3.0.2", Severity.CRITICAL, "test", null, null, null, null, "test"))));
    }

    static TestImages.Image report(TestImages.Image image, List<Finding> findings) throws IOException {
        Instant now = Instant.now();
        ScanReport r = ScanReport.of(image.manifest().digest(), "mirror/alpine", null, "test-db", "test", now.minusSeconds(5), now, findings);
        return TestImages.artifact(ScanReport.MEDIA_TYPE, image.manifest(), ScanReport.MEDIA_TYPE, new ObjectMapper().writeValueAsBytes(r));
    }

    static void push(SignatureStore store, String repo, String tag, TestImages.Image image) throws IOException {
        List<TestImages.Blob> blobs = new ArrayList<>(image.layers());
        blobs.add(image.config());
        for (TestImages.Blob blob : blobs) {
            store.putBlob(repo, Digest.parse(blob.digest()), blob.bytes());
        }
        store.putManifest(repo, tag == null ? image.manifest().digest() : tag, image.manifest().mediaType(), image.manifest().bytes());
    }

    static RegistryAuth admin() {
        return new RegistryAuth("jenkins", adminToken.toCharArray());
    }

    static RegistryGatehouseService service(RegistryAuth auth) {
        return new RegistryGatehouseService(new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(5)), auth);
    }

    private void harness(boolean publish, String policy) throws Exception {
        h = resources.harness(server.baseUrl(), "jenkins", adminToken);
        h.config.setPolicies(List.of(new NamedPolicy(policy, release(policy))));
        h.config.setPublishPolicies(publish);
    }

    private String promote(String image, String target, String policy) throws Exception {
        PromoteImageStep s = new PromoteImageStep(image, target);
        s.setPolicy(policy);
        return new PromoteImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run();
    }

    @Test
    void publishesThePolicyThenPromotesByDigestSignedByTheRegistry() throws Exception {
        harness(true, "release-a");
        String promoted = promote("mirror/alpine:3.20", "dev/alpine", "release-a");

        assertThat(promoted).isEqualTo(server.registryHost() + "/dev/alpine:3.20@" + clean.manifest().digest());
        assertThat(h.log()).contains("policy 'release-a' published as version 1", "[PASS] vulnerabilities.critical: expected",
                "Promoted: " + promoted, "signed by the registry's key", "provenance record sha256:");
        assertThat(h.log()).doesNotContain(adminToken);
        // the registry now serves the same digest under the target
        assertThat(service(admin()).resolveDigest(ImageArgument.parse("dev/alpine:3.20", server.registryHost())))
                .isEqualTo(clean.manifest().digest());

        // a second run with the same document makes no new policy version
        h.close();
        harness(true, "release-a");
        promote("mirror/alpine:3.20", "dev/alpine", "release-a");
        assertThat(h.log()).contains("policy 'release-a' unchanged at version 1");
    }

    @Test
    void aCriticalFindingFailsTheBuildWithTheReasonAndPromotesNothing() throws Exception {
        harness(true, "release-b");
        assertThatThrownBy(() -> promote("mirror/alpine:3.19", "dev/alpine", "release-b"))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("was not promoted to dev/alpine: policy 'release-b' does not hold")
                .hasMessageContaining("- vulnerabilities.critical:").hasMessageContaining("CVE-2024-9999");
        assertThat(h.log()).contains("[FAIL] vulnerabilities.critical");
        assertThatThrownBy(() -> service(admin()).resolveDigest(ImageArgument.parse("dev/alpine:3.19", server.registryHost())))
                .isInstanceOf(IOException.class).hasMessageContaining("not found");
    }

    @Test
    void refusesATargetThePolicyDoesNotPromoteToAndAPolicyTheRegistryDoesNotHave() throws Exception {
        harness(true, "release-c");
        assertThatThrownBy(() -> promote("mirror/alpine:3.20", "prod/alpine", "release-c"))
                .isInstanceOf(IOException.class).hasMessageContaining("promotes to dev/alpine, not to prod/alpine");
        assertThatThrownBy(() -> service(admin()).resolveDigest(ImageArgument.parse("prod/alpine:3.20", server.registryHost())))
                .isInstanceOf(IOException.class);
        // by digest there is no source tag for the policy's "%n" template: the registry's 400 reaches the build log
        assertThatThrownBy(() -> promote("mirror/alpine@" + clean.manifest().digest(), "dev/alpine", "release-c"))
                .isInstanceOf(IOException.class).hasMessageContaining("INVALID_REQUEST").hasMessageContaining("no source tag");

        h.close();
        harness(false, "release-c");
        PromoteImageStep s = new PromoteImageStep("mirror/alpine:3.20", "dev/alpine");
        s.setPolicy("not-published");
        assertThatThrownBy(() -> new PromoteImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run())
                .isInstanceOf(IOException.class).hasMessageContaining("policy 'not-published' is not published in the registry");

        PromoteImageStep noPolicy = new PromoteImageStep("mirror/alpine:3.20", "dev/alpine");
        assertThatThrownBy(() -> new PromoteImageStep.Execution(noPolicy, h.context, h.environment(RegistryGatehouseService::new)).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("a policy is required");
    }

    @Test
    void aServiceAccountWithoutRightsCannotPromoteNorPublish() throws Exception {
        RegistryGatehouseService reader = service(new RegistryAuth("jenkins-reader", readerToken.toCharArray()));
        service(admin()).publishPolicy(release("release-d"));
        assertThatThrownBy(() -> reader.promote(ImageArgument.parse("mirror/alpine:3.20", server.registryHost()), "dev/alpine", "release-d"))
                .isInstanceOf(IOException.class).hasMessageContaining("did not promote").hasMessageNotContaining(readerToken);
        assertThatThrownBy(() -> reader.publishPolicy(release("release-d").replace("\"critical\": 0", "\"critical\": 5")))
                .isInstanceOf(IOException.class).hasMessageContaining("needs a registry system administrator");
        assertThatThrownBy(() -> service(RegistryAuth.ANONYMOUS).publishPolicy(release("release-d")))
                .isInstanceOf(IOException.class).hasMessageContaining("401");
    }

    @Test
    void scanImageAsksTheRegistryWhichTrustedKeysSignedTheImage() throws Exception {
        // sign mirror/alpine:3.20 with a release key, and have the registry trust that key (an admin's job)
        var key = io.gatehouse.core.sign.Keys.generate();
        service(admin()).sign(ImageArgument.parse("mirror/alpine:3.20", server.registryHost()),
                new io.gatehouse.jenkins.service.SigningKey("release.pem",
                        io.gatehouse.core.sign.Keys.toPkcs8Pem(key).getBytes(java.nio.charset.StandardCharsets.US_ASCII), null));
        String body = new ObjectMapper().writeValueAsString(java.util.Map.of("name", "release", "publicKey", key.publicKey().toPem()));
        try (var rsp = new okhttp3.OkHttpClient().newCall(new okhttp3.Request.Builder().url(server.baseUrl() + "/api/v1/keys/global")
                .header("Authorization", okhttp3.Credentials.basic("jenkins", adminToken))
                .post(okhttp3.RequestBody.create(body, okhttp3.MediaType.get("application/json"))).build()).execute()) {
            assertThat(rsp.code()).isEqualTo(201);
        }
        String signed = "{\"schemaVersion\": 1, \"name\": \"signed\", \"conditions\": {\"signatures\": {\"anyOf\": [\"" + key.keyId() + "\"]}}}";
        h = resources.harness(server.baseUrl(), "jenkins", adminToken);
        h.config.setPolicies(List.of(new NamedPolicy("signed", signed)));
        for (String tag : List.of("3.20", "3.19")) {
            ScanImageStep s = new ScanImageStep("mirror/alpine:" + tag);
            s.setPolicy("signed");
            s.setWait("5s");
            s.setUnstable(true);
            var result = new ScanImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run();
            assertThat(result).as(tag).containsEntry("passed", tag.equals("3.20"));
        }
        assertThat(h.log()).contains("[PASS] signatures.anyOf", "[FAIL] signatures.anyOf");
    }

    @Test
    void theConfigurationPagePublishesEveryNamedPolicy() {
        var config = TestConfigurations.of(server.baseUrl(), "gatehouse-jenkins");
        String gate = "{\"schemaVersion\": 1, \"name\": \"gate-high\", \"conditions\": {\"vulnerabilities\": {\"maxCounts\": {\"high\": 0}}}}";
        config.setPolicies(List.of(new NamedPolicy("release-e", release("release-e")), new NamedPolicy("gate-high", gate)));
        Check ok = config.publishNamedPolicies(RegistryGatehouseService::new, admin());
        assertThat(ok.kind()).as(ok.message()).isEqualTo(Check.Kind.OK);
        assertThat(ok.message()).contains("policy 'release-e' published as version 1", "policy 'gate-high' published as version 1");

        // a changed document needs a new version, which only a registry system administrator may make
        config.setPolicies(List.of(new NamedPolicy("release-e", release("release-e")),
                new NamedPolicy("gate-high", gate.replace("\"high\": 0", "\"high\": 3"))));
        Check denied = config.publishNamedPolicies(RegistryGatehouseService::new, new RegistryAuth("jenkins-reader", readerToken.toCharArray()));
        assertThat(denied.kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(denied.message()).contains("policy 'release-e' unchanged at version 1", "policy 'gate-high': publishing policy 'gate-high' needs a registry system administrator");

        assertThat(TestConfigurations.of(server.baseUrl(), null).publishNamedPolicies(RegistryGatehouseService::new, admin()).kind())
                .isEqualTo(Check.Kind.WARNING);
    }

    /** The build page's promotion verdict (PromotionAction), for a promotion and for a refusal. */
    @Test
    void theBuildPageGetsTheVerdictOfEachCondition() throws Exception {
        harness(true, "release-page");
        promote("mirror/alpine:3.20", "dev/alpine", "release-page");
        assertThatThrownBy(() -> promote("mirror/alpine:3.19", "dev/alpine", "release-page")).isInstanceOf(AbortException.class);
        org.mockito.ArgumentCaptor<hudson.model.Action> actions = org.mockito.ArgumentCaptor.forClass(hudson.model.Action.class);
        org.mockito.Mockito.verify(h.run, org.mockito.Mockito.atLeastOnce()).addAction(actions.capture());
        List<io.gatehouse.jenkins.promote.PromotionAction> verdicts = actions.getAllValues().stream()
                .filter(io.gatehouse.jenkins.promote.PromotionAction.class::isInstance).map(io.gatehouse.jenkins.promote.PromotionAction.class::cast).toList();
        assertThat(verdicts).hasSize(2);
        var promoted = verdicts.get(0);
        assertThat(promoted.isPromoted()).isTrue();
        assertThat(promoted.getPromotedReference()).endsWith("@" + clean.manifest().digest());
        assertThat(promoted.getConditions()).isNotEmpty().allMatch(io.gatehouse.jenkins.promote.PromotionAction.Condition::isPassed);
        var refused = verdicts.get(1);
        assertThat(refused.isPromoted()).isFalse();
        assertThat(refused.getPolicy()).isEqualTo("release-page");
        assertThat(refused.getConditions()).anySatisfy(c -> {
            assertThat(c.isPassed()).isFalse();
            assertThat(c.getName()).isEqualTo("vulnerabilities.critical");
            assertThat(c.getDetail()).contains("expected at most 0 CRITICAL", "actual 1", "CVE-2024-9999");
        });
        assertThat(refused.getTally()).matches("\\d+ of \\d+ conditions hold");
    }

    /** What the snippet generator's checks ask the registry when the user leaves the image and policy fields. */
    @Test
    void formChecksAskTheRegistryForTheImageAndThePolicy() throws Exception {
        harness(true, "release-probe");
        promote("mirror/alpine:3.20", "dev/alpine", "release-probe"); // publishes version 1
        RegistryGatehouseService jenkins = service(admin());
        Check found = jenkins.probeImage(ImageArgument.parse("mirror/alpine:3.20", server.registryHost()));
        assertThat(found.kind()).isEqualTo(Check.Kind.OK);
        assertThat(found.message()).contains(clean.manifest().digest());
        Check missing = jenkins.probeImage(ImageArgument.parse("mirror/alpine:9.9", server.registryHost()));
        assertThat(missing.kind()).isEqualTo(Check.Kind.WARNING);
        assertThat(missing.message()).contains("mirror/alpine:9.9", "is not in");
        assertThat(jenkins.probeImage(ImageArgument.parse("other.example.com/x/y:1", server.registryHost())).kind()).isEqualTo(Check.Kind.ERROR);

        Check policy = jenkins.probePolicy("release-probe", "dev/alpine");
        assertThat(policy.kind()).isEqualTo(Check.Kind.OK);
        assertThat(policy.message()).contains("version 1", "dev/alpine");
        Check elsewhere = jenkins.probePolicy("release-probe", "prod/alpine");
        assertThat(elsewhere.kind()).isEqualTo(Check.Kind.WARNING);
        assertThat(elsewhere.message()).contains("promotes to dev/alpine, not to prod/alpine");
        assertThat(jenkins.probePolicy("never-published", null).message()).contains("not published");
        // a service account without rights learns nothing, and the check says it could not check
        Check reader = service(new RegistryAuth("jenkins-reader", readerToken.toCharArray()))
                .probeImage(ImageArgument.parse("mirror/alpine:3.20", server.registryHost()));
        assertThat(reader.kind()).isEqualTo(Check.Kind.WARNING);
        assertThat(reader.message()).doesNotContain(readerToken);
    }
}
