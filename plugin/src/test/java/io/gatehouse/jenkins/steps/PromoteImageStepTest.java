package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import hudson.AbortException;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.PolicyVerdict;
import io.gatehouse.jenkins.service.PromotionOutcome;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class PromoteImageStepTest {
    static final String DIGEST = "sha256:" + "d".repeat(64);
    final StepHarness h;

    PromoteImageStepTest() throws Exception {
        h = new StepHarness();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private PromoteImageStep step() {
        PromoteImageStep s = new PromoteImageStep("mirror/alpine:3.20", "dev/alpine");
        s.setPolicy("no-critical");
        return s;
    }

    @Test
    void promotesAndReturnsTheReferenceWithDigest() throws Exception {
        String promoted = "registry.example.com:5443/dev/alpine:3.20@" + DIGEST;
        when(h.service.promote(any(), eq("dev/alpine"), eq("no-critical"))).thenReturn(new PromotionOutcome(
                new PolicyVerdict("no-critical", true, List.of(new PolicyVerdict.Condition("maxSeverity", true, "worst is HIGH"))), promoted));
        assertThat(new PromoteImageStep.Execution(step(), h.context, h.environment()).run()).isEqualTo(promoted);
        ArgumentCaptor<ImageArgument> image = ArgumentCaptor.forClass(ImageArgument.class);
        verify(h.service).promote(image.capture(), eq("dev/alpine"), eq("no-critical"));
        assertThat(image.getValue().toString()).isEqualTo("registry.example.com:5443/mirror/alpine:3.20");
        assertThat(h.log()).contains("[PASS] maxSeverity: worst is HIGH", "Promoted: " + promoted);
    }

    @Test
    void aPolicyThatDoesNotHoldFailsWithTheReasons() throws Exception {
        when(h.service.promote(any(), any(), any())).thenReturn(new PromotionOutcome(new PolicyVerdict("no-critical", false, List.of(
                new PolicyVerdict.Condition("maxSeverity", false, "2 CRITICAL findings"),
                new PolicyVerdict.Condition("signed", false, "no signature by a trusted key"))), null));
        assertThatThrownBy(() -> new PromoteImageStep.Execution(step(), h.context, h.environment()).run())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("was not promoted to dev/alpine")
                .hasMessageContaining("- maxSeverity: 2 CRITICAL findings")
                .hasMessageContaining("- signed: no signature by a trusted key");
        assertThat(h.log()).contains("[FAIL] maxSeverity", "[FAIL] signed");
    }

    @Test
    void digestArgumentsAndBadTargets() throws Exception {
        PromoteImageStep byDigest = new PromoteImageStep("mirror/alpine@" + DIGEST, "dev/alpine");
        byDigest.setPolicy("no-critical");
        when(h.service.promote(any(), any(), any())).thenReturn(new PromotionOutcome(new PolicyVerdict("no-critical", true, List.of()), "x@" + DIGEST));
        new PromoteImageStep.Execution(byDigest, h.context, h.environment()).run();
        ArgumentCaptor<ImageArgument> image = ArgumentCaptor.forClass(ImageArgument.class);
        verify(h.service).promote(image.capture(), eq("dev/alpine"), eq("no-critical"));
        assertThat(image.getValue().digest().toString()).isEqualTo(DIGEST);
        assertThat(image.getValue().tag()).isNull();

        // the registry promotes by a named policy only: no policy is a clear failure before any call
        PromoteImageStep noPolicy = new PromoteImageStep("mirror/alpine:3.20", "dev/alpine");
        assertThatThrownBy(() -> new PromoteImageStep.Execution(noPolicy, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("a policy is required");
        verify(h.service, never()).promote(any(), any(), eq(null));

        PromoteImageStep badTarget = new PromoteImageStep("mirror/alpine:3.20", "dev//alpine");
        badTarget.setPolicy("no-critical");
        assertThatThrownBy(() -> new PromoteImageStep.Execution(badTarget, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("invalid repository name");
        PromoteImageStep badDigest = new PromoteImageStep("mirror/alpine@sha256:1234", "dev/alpine");
        badDigest.setPolicy("no-critical");
        assertThatThrownBy(() -> new PromoteImageStep.Execution(badDigest, h.context, h.environment()).run())
                .isInstanceOf(AbortException.class).hasMessageContaining("64 lowercase hex");
        verify(h.service, never()).promote(any(), eq("dev//alpine"), any());
    }

    @Test
    void descriptor() {
        assertThat(new PromoteImageStep.DescriptorImpl().getFunctionName()).isEqualTo("promoteImage");
    }
}
