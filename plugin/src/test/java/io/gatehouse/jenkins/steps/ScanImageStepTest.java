package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mockConstruction;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.withSettings;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import hudson.AbortException;
import hudson.model.Result;
import io.gatehouse.jenkins.scan.ScanReportAction;
import io.gatehouse.jenkins.service.Finding;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.PolicyVerdict;
import io.gatehouse.jenkins.service.ScanSummary;
import io.gatehouse.jenkins.service.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.mockito.ArgumentCaptor;
import org.mockito.MockedConstruction;

class ScanImageStepTest {
    static final String DIGEST = "sha256:" + "c".repeat(64);
    final StepHarness h;

    ScanImageStepTest() throws Exception {
        h = new StepHarness();
    }

    @AfterEach
    void close() {
        h.close();
    }

    static ScanSummary summary(Map<Severity, Integer> counts, PolicyVerdict verdict) {
        return new ScanSummary("registry.example.com:5443/mirror/alpine:3.20", DIGEST, counts,
                List.of(new Finding("CVE-2024-0001", Severity.HIGH, "openssl", "3.1.0-r0", "3.1.4-r1"),
                        new Finding("CVE-2024-0002", Severity.LOW, "busybox", "1.36.1-r0", null)),
                verdict, "{\"findings\":[]}");
    }

    private ScanImageStep step(String failOn, boolean unstable) {
        ScanImageStep s = new ScanImageStep("mirror/alpine:3.20");
        s.setFailOn(failOn);
        s.setWait("90s");
        s.setUnstable(unstable);
        return s;
    }

    @Test
    void printsTheSummaryAttachesTheReportAndReturnsIt() throws Exception {
        when(h.service.scan(any(), any(), any(), any())).thenReturn(summary(Map.of(Severity.HIGH, 1, Severity.LOW, 1), null));

        Map<String, Object> result = new ScanImageStep.Execution(step("CRITICAL", false), h.context, h.environment()).run();

        ArgumentCaptor<ImageArgument> image = ArgumentCaptor.forClass(ImageArgument.class);
        verify(h.service).scan(image.capture(), isNull(), isNull(), eq(Duration.ofSeconds(90)));
        assertThat(image.getValue().registry()).as("a bare repository means the configured registry").isEqualTo("registry.example.com:5443");
        assertThat(image.getValue().repository()).isEqualTo("mirror/alpine");
        assertThat(image.getValue().tag()).isEqualTo("3.20");
        assertThat(result).containsEntry("digest", DIGEST).containsEntry("high", 1).containsEntry("low", 1)
                .containsEntry("critical", 0).containsEntry("total", 2).containsEntry("passed", true);
        assertThat(h.log()).contains("CRITICAL 0, HIGH 1, MEDIUM 0, LOW 1", "CVE-2024-0001", "openssl", "3.1.4-r1", "(no fix)");

        ArgumentCaptor<ScanReportAction> action = ArgumentCaptor.forClass(ScanReportAction.class);
        verify(h.run).addAction(action.capture());
        assertThat(action.getValue().getHigh()).isEqualTo(1);
        assertThat(action.getValue().getWorst()).extracting(ScanReportAction.Row::getId).containsExactly("CVE-2024-0001", "CVE-2024-0002");
        assertThat(h.archived).singleElement().satisfies(a -> {
            assertThat(a[0]).isEqualTo("gatehouse/scan-mirror_alpine-sha256-" + "c".repeat(64) + ".json");
            assertThat(a[1]).isEqualTo("{\"findings\":[]}");
        });
        assertThat(action.getValue().getArtifactPath()).isEqualTo(h.archived.get(0)[0]);
        verify(h.run, never()).setResult(any());
    }

    @Test
    void findingsAtFailOnFailTheBuild() throws Exception {
        when(h.service.scan(any(), any(), any(), any())).thenReturn(summary(Map.of(Severity.HIGH, 1), null));
        assertThatThrownBy(() -> new ScanImageStep.Execution(step("high", false), h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("at or above HIGH");
        // The report is attached even when the build fails: that is when people read it.
        verify(h.run).addAction(any(ScanReportAction.class));
    }

    @Test
    void failOnUnknownFailsOnFindingsWithoutASeverityWhichNoThresholdMatches() throws Exception {
        // Debian changelog data rates nothing: every finding is UNKNOWN
        when(h.service.scan(any(), any(), any(), any())).thenReturn(summary(Map.of(Severity.UNKNOWN, 3), null));
        assertThat(new ScanImageStep.Execution(step("LOW", false), h.context, h.environment()).run()).containsEntry("passed", true);
        assertThatThrownBy(() -> new ScanImageStep.Execution(step("HIGH,UNKNOWN", false), h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("3 finding(s) without a severity (UNKNOWN)");
        assertThatThrownBy(() -> new ScanImageStep.Execution(step("unknown", false), h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("without a severity");
    }

    @Test
    void unstableMarksTheBuildAndContinues() throws Exception {
        when(h.service.scan(any(), any(), any(), any())).thenReturn(summary(Map.of(Severity.CRITICAL, 2), null));
        Map<String, Object> result = new ScanImageStep.Execution(step("HIGH", true), h.context, h.environment()).run();
        verify(h.run).setResult(Result.UNSTABLE);
        assertThat(result).containsEntry("passed", false).containsEntry("critical", 2);
        assertThat(h.log()).contains("UNSTABLE");
    }

    /** As the `unstable` step does: a WarningAction on the step's FlowNode, which stage views read to mark the stage. */
    @Test
    void unstableLeavesAWarningOnTheStepsFlowNode() throws Exception {
        when(h.service.scan(any(), any(), any(), any())).thenReturn(summary(Map.of(Severity.CRITICAL, 2), null));
        FlowNode node = org.mockito.Mockito.mock(FlowNode.class);
        when(h.context.get(FlowNode.class)).thenReturn(node);
        List<Object> constructedWith = new java.util.ArrayList<>();
        try (MockedConstruction<WarningAction> warnings = mockConstruction(WarningAction.class,
                withSettings().defaultAnswer(org.mockito.Answers.RETURNS_SELF), (w, ctx) -> constructedWith.addAll(ctx.arguments()))) {
            new ScanImageStep.Execution(step("HIGH", true), h.context, h.environment()).run();
            assertThat(warnings.constructed()).hasSize(1);
            WarningAction w = warnings.constructed().get(0);
            assertThat(constructedWith).containsExactly(Result.UNSTABLE);
            verify(w).withMessage(org.mockito.ArgumentMatchers.contains("at or above HIGH"));
            verify(node).addOrReplaceAction(w);
        }
        verify(h.run).setResult(Result.UNSTABLE);
    }

    @Test
    void aPolicyThatDoesNotHoldFailsWithEachConditionPrinted() throws Exception {
        PolicyVerdict verdict = new PolicyVerdict("no-critical", false, List.of(
                new PolicyVerdict.Condition("maxSeverity", false, "1 CRITICAL finding (CVE-2024-9999)"),
                new PolicyVerdict.Condition("signed", true, "signed by release-key")));
        h.config.setPolicies(List.of(new io.gatehouse.jenkins.NamedPolicy("no-critical", "{\"schemaVersion\": 1, \"name\": \"no-critical\"}")));
        when(h.service.scan(any(), eq("no-critical"), eq("{\"schemaVersion\": 1, \"name\": \"no-critical\"}"), any()))
                .thenReturn(summary(Map.of(Severity.CRITICAL, 1), verdict));
        ScanImageStep s = step(null, false);
        s.setPolicy("no-critical");
        assertThatThrownBy(() -> new ScanImageStep.Execution(s, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("policy 'no-critical' does not hold");
        assertThat(h.log()).contains("[FAIL] maxSeverity: 1 CRITICAL finding", "[PASS] signed");
    }

    @Test
    void waitDefaultsToTheGlobalScanTimeout() throws Exception {
        h.config.setScanTimeout("3m");
        when(h.service.scan(any(), any(), any(), any())).thenReturn(summary(Map.of(), null));
        new ScanImageStep.Execution(new ScanImageStep("mirror/alpine"), h.context, h.environment()).run();
        ArgumentCaptor<ImageArgument> image = ArgumentCaptor.forClass(ImageArgument.class);
        verify(h.service).scan(image.capture(), isNull(), isNull(), eq(Duration.ofMinutes(3)));
        assertThat(image.getValue().tag()).as("no tag means latest").isEqualTo("latest");
    }

    @Test
    void badArgumentsAreClearBuildFailures() throws Exception {
        ScanImageStep badWait = new ScanImageStep("mirror/alpine:3.20");
        badWait.setWait("ten minutes");
        assertThatThrownBy(() -> new ScanImageStep.Execution(badWait, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> new ScanImageStep.Execution(step("SEVERE", false), h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("unknown severity");
        assertThatThrownBy(() -> new ScanImageStep.Execution(new ScanImageStep("Mirror/Alpine"), h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("invalid repository name");
        verify(h.service, never()).scan(any(), any(), any(), any());
    }

    @Test
    void anUnknownPolicyNameIsABuildFailureBeforeScanning() throws Exception {
        ScanImageStep s = new ScanImageStep("mirror/alpine:3.20");
        s.setPolicy("nope");
        assertThatThrownBy(() -> new ScanImageStep.Execution(s, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("policy 'nope' is not defined");
        verify(h.service, never()).scan(any(), any(), any(), any());
    }

    @Test
    void descriptor() {
        assertThat(new ScanImageStep.DescriptorImpl().getFunctionName()).isEqualTo("scanImage");
    }
}
