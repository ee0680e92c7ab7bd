package io.gatehouse.jenkins.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import io.gatehouse.jenkins.Forms;
import io.gatehouse.jenkins.scan.ScanReportAction;
import io.gatehouse.jenkins.service.ConfigChecks;
import io.gatehouse.jenkins.service.Durations;
import io.gatehouse.jenkins.service.FailOn;
import io.gatehouse.jenkins.service.Finding;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.PolicyVerdict;
import io.gatehouse.jenkins.service.ScanSummary;
import io.gatehouse.jenkins.service.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code scanImage(image: 'mirror/alpine:3.20', policy: 'no-critical', failOn: 'HIGH', wait: '10m')}: triggers or
 * reuses the registry's scan, waits, prints a severity summary and the worst findings, attaches the report to the
 * build (summary on the build page, JSON artifact), and fails the build, or marks it UNSTABLE with
 * {@code unstable: true}, when a finding reaches {@code failOn} or the policy does not hold. Returns the summary map.
 */
public class ScanImageStep extends GatehouseStep {
    static final int WORST_SHOWN = 10;

    private final String image;
    private String policy;
    private String failOn;
    private String wait;
    private boolean unstable;

    @DataBoundConstructor
    public ScanImageStep(String image) {
        this.image = image;
    }

    public String getImage() { return image; }
    public String getPolicy() { return policy; }
    public String getFailOn() { return failOn; }
    public String getWait() { return wait; }
    public boolean isUnstable() { return unstable; }

    @DataBoundSetter public void setPolicy(String policy) { this.policy = MirrorImageStep.blankToNull(policy); }
    @DataBoundSetter public void setFailOn(String failOn) { this.failOn = MirrorImageStep.blankToNull(failOn); }
    @DataBoundSetter public void setWait(String wait) { this.wait = MirrorImageStep.blankToNull(wait); }
    @DataBoundSetter public void setUnstable(boolean unstable) { this.unstable = unstable; }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context, StepEnvironment.defaults());
    }

    static final class Execution extends GatehouseStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient ScanImageStep step;

        Execution(ScanImageStep step, StepContext context, StepEnvironment environment) {
            super(step, context, environment);
            this.step = step;
        }

        @Override
        protected Map<String, Object> execute(Call call) throws Exception {
            ImageArgument image = call.image(step.image);
            Duration wait = step.wait == null ? call.config().scanTimeoutDuration() : Durations.parse(step.wait);
            FailOn failOn = FailOn.parse(step.failOn);
            call.log().printf("Scanning %s (waiting up to %s)%s%n", image, wait, step.policy == null ? "" : " against policy " + step.policy);

            String policyDocument = null;
            if (step.policy != null) {
                var named = call.config().findPolicy(step.policy);
                if (named == null) {
                    throw new AbortException("scanImage: policy '" + step.policy + "' is not defined in Manage Jenkins → System → Gatehouse");
                }
                policyDocument = named.getDocument();
            }
            ScanSummary summary = call.service().scan(image, step.policy, policyDocument, wait);

            call.log().printf("%s@%s: CRITICAL %d, HIGH %d, MEDIUM %d, LOW %d, UNKNOWN %d%n", image.repository(), summary.digest(),
                    summary.count(Severity.CRITICAL), summary.count(Severity.HIGH), summary.count(Severity.MEDIUM),
                    summary.count(Severity.LOW), summary.count(Severity.UNKNOWN));
            if (!summary.worst().isEmpty()) {
                Table t = new Table("SEVERITY", "ID", "PACKAGE", "INSTALLED", "FIXED IN");
                summary.worst().stream().limit(WORST_SHOWN).forEach(f -> t.row(f.severity().name(), f.id(), nz(f.packageName()),
                        nz(f.installedVersion()), f.fixedVersion() == null ? "(no fix)" : f.fixedVersion()));
                t.print(call.log());
            }

            String artifact = "gatehouse/scan-" + image.repository().replace('/', '_') + "-"
                    + (summary.digest() == null ? "unknown" : summary.digest().replace(':', '-')) + ".json";
            if (summary.reportJson() != null) {
                call.environment().archiver().archive(call.run(), call.listener(), artifact, summary.reportJson());
            }
            call.run().addAction(new ScanReportAction(summary, summary.reportJson() == null ? null : artifact,
                    call.settings().registryUrl().toString(), image.repository()));

            List<String> problems = new ArrayList<>();
            if (failOn != null) {
                problems.addAll(failOn.reasons(summary));
            }
            PolicyVerdict verdict = summary.verdict();
            if (verdict != null) {
                for (PolicyVerdict.Condition c : verdict.conditions()) {
                    call.log().printf("  [%s] %s: %s%n", c.passed() ? "PASS" : "FAIL", c.name(), nz(c.reason()));
                }
                if (!verdict.allowed()) {
                    problems.add("policy '" + verdict.policy() + "' does not hold");
                }
            }
            if (!problems.isEmpty()) {
                String message = "scanImage: " + image + ": " + String.join("; ", problems);
                if (step.unstable) {
                    call.log().println(message + " — marking the build UNSTABLE");
                    // As workflow-basic-steps' `unstable` step does: the WarningAction on this step's FlowNode is what
                    // stage views read to show which stage went unstable and why; the run's result alone does not say.
                    FlowNode node = call.context().get(FlowNode.class);
                    if (node != null) {
                        node.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(message));
                    }
                    call.run().setResult(Result.UNSTABLE);
                } else {
                    throw new AbortException(message);
                }
            }
            return toMap(summary, problems.isEmpty());
        }

        private static Map<String, Object> toMap(ScanSummary s, boolean passed) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("image", s.image());
            m.put("digest", s.digest());
            for (Severity sev : Severity.values()) {
                m.put(sev.name().toLowerCase(java.util.Locale.ROOT), s.count(sev));
            }
            m.put("total", s.total());
            m.put("passed", passed);
            List<String> worst = new ArrayList<>();
            for (Finding f : s.worst()) {
                worst.add(f.severity() + " " + f.id() + " " + nz(f.packageName()));
            }
            m.put("worst", worst);
            return m;
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }
    }

    @Extension
    @Symbol("scanImage")
    public static class DescriptorImpl extends GatehouseStepDescriptor {
        @Override
        public String getFunctionName() {
            return "scanImage";
        }

        @Override
        public String getDisplayName() {
            return "Scan an image in the Gatehouse registry for vulnerabilities";
        }



        @POST
        public FormValidation doCheckPolicy(@AncestorInPath Item item, @QueryParameter String value) {
            Forms.checkConfigure(item);
            return Forms.toFormValidation(io.gatehouse.jenkins.RegistryProbes.scanPolicy(value));
        }

        @POST
        public FormValidation doCheckFailOn(@AncestorInPath Item item, @QueryParameter String value) {
            Forms.checkConfigure(item);
            return Forms.toFormValidation(ConfigChecks.severity(value));
        }

        @POST
        public FormValidation doCheckWait(@AncestorInPath Item item, @QueryParameter String value) {
            Forms.checkConfigure(item);
            return value == null || value.isBlank() ? FormValidation.ok() : Forms.toFormValidation(ConfigChecks.duration(value));
        }
    }
}
