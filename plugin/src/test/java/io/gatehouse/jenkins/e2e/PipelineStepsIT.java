package io.gatehouse.jenkins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.IdentityRule;
import io.gatehouse.core.sign.ImageSigner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The four steps in Pipelines of a real Jenkins controller, against our registry and an upstream Distribution
 * (see {@link E2E} for what the environment holds): each step's happy path and its expected failures, asserted on
 * build results, console text and the registry's state.
 */
@ExtendWith(E2E.class)
class PipelineStepsIT {
    static final String NO_CRITICAL = """
            {"schemaVersion": 1, "name": "no-critical", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}}}""";

    @BeforeAll
    static void policies() throws Exception {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("no-critical", NO_CRITICAL);
        p.put("release", E2E.releasePolicy("release", "prod/app"));
        E2E.configure(p);
    }

    @Test
    void mirrorScanPromoteSignSucceedsAndTheRegistryHoldsTheResult() throws Exception {
        RealJenkins j = E2E.jenkins();
        E2ERegistry reg = E2E.registry();
        j.pipeline("happy", """
                stage('mirror') {
                  def refs = mirrorImage(source: '%s/library/base', target: 'mirror/base', tags: '1\\\\..*', credentialsId: '%s')
                  echo "mirrored ${refs.size()} tags"
                }
                stage('scan') {
                  def s = scanImage(image: 'team/app:clean', policy: 'no-critical', failOn: 'HIGH')
                  echo "scan passed=${s.passed} critical=${s.critical}"
                }
                stage('promote') {
                  echo "promoted ${promoteImage(image: 'team/app:clean', target: 'prod/app', policy: 'release')}"
                }
                stage('sign') {
                  def r = signImage(image: 'prod/app:clean', keyCredentialsId: '%s', passphraseCredentialsId: '%s')
                  echo "signed ${r.imageDigest} with ${r.keyId}"
                }
                """.formatted(reg.upstream.hostPort(), E2E.UPSTREAM_CREDENTIALS, E2E.KEY, E2E.KEY_PASSPHRASE));

        RealJenkins.Build b = j.build("happy");

        assertThat(b.result()).as(b.console()).isEqualTo("SUCCESS");
        assertThat(b.console()).contains("mirrored 2 tags", "scan passed=true critical=0",
                "promoted " + reg.host() + "/prod/app:clean@" + reg.cleanDigest,
                "signed " + reg.cleanDigest + " with " + E2E.signingKey().keyId());
        assertThat(b.console()).doesNotContain(reg.token, E2ERegistry.UPSTREAM_PASSWORD, E2E.PASSPHRASE);
        // the registry's state: mirrored tags, the promoted digest, and our signature on it
        assertThat(reg.digestOf("mirror/base:1.0")).isEqualTo(reg.upstreamDigest);
        assertThat(reg.digestOf("mirror/base:edge")).isNull();
        assertThat(reg.digestOf("prod/app:clean")).isEqualTo(reg.cleanDigest);
        var verified = new ImageSigner(reg.service().signatureStore()).verify("prod/app", Digest.parse(reg.cleanDigest),
                IdentityRule.repository(reg.host() + "/prod/app"), List.of(E2E.signingKey().publicKey()));
        assertThat(verified.valid()).anySatisfy(v -> assertThat(v.keyId()).isEqualTo(E2E.signingKey().keyId()));
    }

    /** An expected failure: FAILURE, one {@code ERROR:} line with the reason, and no Java stack trace in the console. */
    static void assertOneLineFailure(RealJenkins.Build b, String reason) {
        assertThat(b.result()).as(b.console()).isEqualTo("FAILURE");
        assertThat(b.console()).contains("ERROR: ").contains(reason);
        assertThat(b.console()).as("no stack trace").doesNotContain("\tat ", "Exception:", "Caused by");
    }

    @Test
    void aPolicyThatDoesNotHoldFailsThePromotionWithItsReasonsAndPromotesNothing() throws Exception {
        RealJenkins j = E2E.jenkins();
        j.pipeline("refused", "promoteImage(image: 'team/app:critical', target: 'prod/app', policy: 'release')");
        RealJenkins.Build b = j.build("refused");
        assertOneLineFailure(b, "policy 'release' does not hold");
        assertThat(b.console()).contains("[FAIL] vulnerabilities.critical: expected at most 0 CRITICAL, actual 1", E2ERegistry.CRITICAL_CVE);
        assertThat(E2E.registry().digestOf("prod/app:critical")).isNull();
    }

    @Test
    void aScanThresholdWithUnstableMarksTheBuildUnstableAndTheRestRuns() throws Exception {
        RealJenkins j = E2E.jenkins();
        j.pipeline("unstable", """
                stage('scan') {
                  def s = scanImage(image: 'team/app:critical', failOn: 'HIGH', unstable: true)
                  echo "passed=${s.passed} critical=${s.critical}"
                }
                stage('after') { echo 'the pipeline went on' }
                """);
        RealJenkins.Build b = j.build("unstable");
        assertThat(b.result()).as(b.console()).isEqualTo("UNSTABLE");
        assertThat(b.console()).contains("CRITICAL 1, HIGH 0", E2ERegistry.CRITICAL_CVE, "1 finding(s) at or above HIGH",
                "marking the build UNSTABLE", "passed=false critical=1", "the pipeline went on");
    }

    @Test
    void scanImageShowsExpectedAndActualPerConditionAndFailOnUnknownCatchesUnratedFindings() throws Exception {
        RealJenkins j = E2E.jenkins();
        j.pipeline("scan-detail", "scanImage(image: 'team/app:clean', policy: 'no-critical')");
        RealJenkins.Build detail = j.build("scan-detail");
        assertThat(detail.result()).as(detail.console()).isEqualTo("SUCCESS");
        assertThat(detail.console()).contains("[PASS] vulnerabilities.critical: expected at most 0 CRITICAL, actual 0");

        // only UNKNOWN findings (Debian changelog data): a threshold alone lets them through, UNKNOWN does not
        j.pipeline("unknown", "scanImage(image: 'team/app:unknown', failOn: 'LOW')\nscanImage(image: 'team/app:unknown', failOn: 'HIGH,UNKNOWN')");
        RealJenkins.Build b = j.build("unknown");
        assertOneLineFailure(b, "2 finding(s) without a severity (UNKNOWN)");
        assertThat(b.console()).contains("UNKNOWN 2");
    }

    @Test
    void ordinaryErrorsAreOneClearLine() throws Exception {
        RealJenkins j = E2E.jenkins();
        E2ERegistry reg = E2E.registry();
        // a wrong key passphrase
        j.groovy("""
                import com.cloudbees.plugins.credentials.*
                import com.cloudbees.plugins.credentials.domains.Domain
                import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl
                SystemCredentialsProvider.getInstance().getStore().addCredentials(Domain.global(),
                    new StringCredentialsImpl(CredentialsScope.GLOBAL, 'wrong-passphrase', '', hudson.util.Secret.fromString('not it')))
                """);
        j.pipeline("wrong-passphrase", "signImage(image: 'team/app:clean', keyCredentialsId: '%s', passphraseCredentialsId: 'wrong-passphrase')"
                .formatted(E2E.KEY));
        RealJenkins.Build b = j.build("wrong-passphrase");
        assertOneLineFailure(b, "cannot read the signing key 'cosign.key'");
        assertThat(b.console()).doesNotContain("not it");

        // the registry's 400: by digest there is no source tag for the policy's %n tag template
        j.pipeline("no-source-tag", "promoteImage(image: 'team/app@%s', target: 'prod/app', policy: 'release')".formatted(reg.cleanDigest));
        assertOneLineFailure(j.build("no-source-tag"), "no source tag");

        // a policy saved outside the form (the script console here; Configuration as Code does the same) that is not valid
        j.groovy("""
                def c = io.gatehouse.jenkins.GatehouseConfiguration.get()
                c.policies = c.policies + [new io.gatehouse.jenkins.NamedPolicy('broken', '{"schemaVersion": 1, "name": "broken", "conditions": {"vulnerabilities": {"maxCounts": {"critical": -1}}}}')]
                """);
        try {
            j.pipeline("invalid-policy", "scanImage(image: 'team/app:clean', policy: 'broken')");
            assertOneLineFailure(j.build("invalid-policy"), "policy 'broken' in the Gatehouse configuration is not valid");
        } finally {
            policies();
        }

        // an image that is not there, and a registry that does not answer
        j.pipeline("missing", "signImage(image: 'team/app:9.99', keyCredentialsId: '%s')".formatted(E2E.PEM_KEY));
        assertOneLineFailure(j.build("missing"), "not found");
    }

    @Test
    void everyCredentialTypeTheStepsTake() throws Exception {
        RealJenkins j = E2E.jenkins();
        E2ERegistry reg = E2E.registry();
        // secret file with an unencrypted PKCS#8 key, no passphrase; and signing the same again writes nothing
        j.pipeline("pem-key", """
                def first = signImage(image: 'team/app:unknown', keyCredentialsId: '%s')
                def again = signImage(image: 'team/app:unknown', keyCredentialsId: '%s', passphraseCredentialsId: '')
                echo "same signature: ${first.signatureDigest == again.signatureDigest}"
                """.formatted(E2E.PEM_KEY, E2E.PEM_KEY));
        RealJenkins.Build b = j.build("pem-key");
        assertThat(b.result()).as(b.console()).isEqualTo("SUCCESS");
        assertThat(b.console()).contains("is already signed by key " + E2E.signingKey().keyId(), "same signature: true");
        byte[] sig = reg.service().signatureStore().getManifest("team/app",
                io.gatehouse.core.sign.SignatureManifest.tagFor(Digest.parse(reg.unknownDigest))).orElseThrow().content();
        assertThat(io.gatehouse.core.sign.SignatureManifest.layers(sig)).as("one signature layer in the real registry").hasSize(1);

        // a secret-text registry credential is sent as a bearer token; our registry wants its own tokens there: one clear line
        try {
            var section = E2E.section(Map.of("no-critical", NO_CRITICAL)).put("credentialsId", E2E.REGISTRY_TOKEN);
            assertThat(j.configSubmit(section).statusCode()).isEqualTo(302);
            j.pipeline("token", "scanImage(image: 'team/app:clean')");
            RealJenkins.Build t = j.build("token");
            assertOneLineFailure(t, "401");
            assertThat(t.console()).doesNotContain(reg.token);
        } finally {
            policies();
        }
    }

    /**
     * On a real agent: another JVM connected over WebSocket, so the copy callable, its classes (core's copy engine,
     * OkHttp, Jackson) and its arguments cross the remoting channel as they do in production.
     */
    @Test
    void mirrorImageOnAgentInsideNode() throws Exception {
        RealJenkins j = E2E.jenkins();
        E2ERegistry reg = E2E.registry();
        j.startAgent("e2e-agent", "e2e-linux");
        j.pipeline("on-agent", """
                node('e2e-linux') {
                  def refs = mirrorImage(source: '%s/library/base', target: 'agent/base', tags: 'edge', credentialsId: '%s', onAgent: true)
                  echo "copied on the agent: ${refs}"
                }
                """.formatted(reg.upstream.hostPort(), E2E.UPSTREAM_CREDENTIALS));
        RealJenkins.Build b = j.build("on-agent");
        assertThat(b.result()).as(b.console()).isEqualTo("SUCCESS");
        assertThat(b.console()).contains("Running on e2e-agent", "on the agent", "copied on the agent: [" + reg.host() + "/agent/base:edge");
        // the agent pushed with a token for that repository only, not with the service account's secret
        assertThat(b.console()).contains("The agent gets a registry token for repository:agent/base:pull,push valid until");
        assertThat(b.console()).doesNotContain(E2ERegistry.UPSTREAM_PASSWORD, reg.token);
        assertThat(reg.digestOf("agent/base:edge")).isEqualTo(reg.upstreamDigest);
    }
}
