package io.gatehouse.jenkins.steps;

import io.gatehouse.jenkins.TestRegistries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.AbortException;
import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.core.report.Severity;
import io.gatehouse.jenkins.NamedPolicy;
import io.gatehouse.jenkins.scan.ScanReportAction;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.ImagePusher;
import io.gatehouse.testing.TestImages;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/**
 * scanImage against our registry on loopback: the scan report is stored the way the registry stores it (an OCI
 * artifact of type application/vnd.gatehouse.scan.report.v1+json referring to the image), found through the
 * referrers API, summarised, attached, and judged by a named policy with core.policy.
 */
class ScanImageRegistryTest {
    @RegisterExtension
    static final LoopbackResources resources = new LoopbackResources();
    @TempDir
    static Path dir;
    static RegistryServer server;
    static TestImages.Image image;
    StepHarness h;

    @BeforeAll
    static void start() throws Exception {
        server = resources.closeAfterAll(RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start());
        ImagePusher pusher = new ImagePusher(server.baseUrl());
        image = TestImages.image(21);
        pusher.push("mirror/alpine", "3.20", image);
        pusher.push("mirror/alpine", "unscanned", TestImages.image(22));
        Instant now = Instant.now();
        ScanReport report = ScanReport.of(image.manifest().digest(), "mirror/alpine", null, "test-db", "test", now.minusSeconds(5), now,
                List.of(finding("CVE-2024-1111", Severity.CRITICAL, "openssl", "3.1.0-r0", "3.1.4-r1"),
                        finding("CVE-2024-2222", Severity.HIGH, "busybox", "1.36.1-r0", null),
                        finding("CVE-2024-3333", Severity.LOW, "zlib", "1.3-r0", "1.3.1-r0")));
        byte[] json = new ObjectMapper().writeValueAsBytes(report);
        TestImages.Image artifact = TestImages.artifact(ScanReport.MEDIA_TYPE, image.manifest(), ScanReport.MEDIA_TYPE, json);
        pusher.push("mirror/alpine", artifact.manifest().digest(), artifact);
    }

    static Finding finding(String id, Severity s, String pkg, String version, String fixed) {
        return new Finding(id, List.of(), pkg, version, null, "apk", null, null, null, fixed, s, "test", null, null, null, null, "test");
    }

    private void harness() throws Exception {
        h = resources.harness(server.baseUrl());
        h.config.setPolicies(List.of(new NamedPolicy("no-critical", TestRegistries.NO_CRITICAL_POLICY)));
    }

    @Test
    void summarisesTheRegistrysReportAttachesItAndAppliesThePolicy() throws Exception {
        harness();
        ScanImageStep s = new ScanImageStep("mirror/alpine:3.20");
        s.setPolicy("no-critical");
        s.setWait("5s");
        s.setUnstable(true);
        Map<String, Object> result = new ScanImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run();

        assertThat(result).containsEntry("digest", image.manifest().digest()).containsEntry("critical", 1).containsEntry("high", 1)
                .containsEntry("low", 1).containsEntry("total", 3).containsEntry("passed", false);
        assertThat(h.log()).contains("CRITICAL 1, HIGH 1, MEDIUM 0, LOW 1", "CVE-2024-1111", "[FAIL]", "policy 'no-critical' does not hold", "UNSTABLE");
        // each condition with what the policy expects and what the image has, as promoteImage prints them
        assertThat(h.log()).contains("[FAIL] vulnerabilities.critical: expected at most 0 CRITICAL, actual 1");
        verify(h.run).setResult(hudson.model.Result.UNSTABLE);
        ArgumentCaptor<ScanReportAction> action = ArgumentCaptor.forClass(ScanReportAction.class);
        verify(h.run).addAction(action.capture());
        assertThat(action.getValue().getPolicyAllowed()).isFalse();
        assertThat(action.getValue().getWorst()).first().extracting(ScanReportAction.Row::getSeverity).isEqualTo("CRITICAL");
        assertThat(h.archived).singleElement().satisfies(a -> assertThat(a[1]).contains("CVE-2024-2222", "test-db"));
    }

    @Test
    void failOnWithoutPolicyFailsTheBuild() throws Exception {
        harness();
        ScanImageStep s = new ScanImageStep("mirror/alpine:3.20");
        s.setFailOn("CRITICAL");
        s.setWait("5s");
        assertThatThrownBy(() -> new ScanImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("at or above CRITICAL");
        verify(h.run).addAction(any(ScanReportAction.class));
    }

    @Test
    void noReportWithinTheWaitIsAClearFailure() throws Exception {
        harness();
        ScanImageStep s = new ScanImageStep("mirror/alpine:unscanned");
        s.setWait("1s");
        assertThatThrownBy(() -> new ScanImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run())
                .isInstanceOf(IOException.class).hasMessageContaining("no scan report").hasMessageContaining("after PT1S");
    }
}
