package io.gatehouse.jenkins.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.jenkins.Forms;
import io.gatehouse.jenkins.NamedPolicy;
import io.gatehouse.jenkins.promote.PromotionAction;
import io.gatehouse.jenkins.service.ConfigChecks;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.PolicyPublication;
import io.gatehouse.jenkins.service.PolicyVerdict;
import io.gatehouse.jenkins.service.PromotionOutcome;
import java.util.Set;
import java.util.stream.Collectors;
import org.jenkinsci.Symbol;
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
 * {@code promoteImage(image: 'mirror/alpine:3.20', target: 'dev/alpine', policy: 'release')}: the registry
 * evaluates the named policy (whose promotion section must name the target) and promotes by digest; every
 * condition's verdict is printed; a policy that does not hold fails the build with its reasons. With
 * "publish policies" on, a named policy of the global configuration is published first. Returns the promoted
 * reference with digest.
 */
public class PromoteImageStep extends GatehouseStep {
    private final String image;
    private final String target;
    private String policy;

    @DataBoundConstructor
    public PromoteImageStep(String image, String target) {
        this.image = image;
        this.target = target;
    }

    public String getImage() { return image; }
    public String getTarget() { return target; }
    public String getPolicy() { return policy; }

    @DataBoundSetter public void setPolicy(String policy) { this.policy = MirrorImageStep.blankToNull(policy); }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context, StepEnvironment.defaults());
    }

    static final class Execution extends GatehouseStepExecution<String> {
        private static final long serialVersionUID = 1L;
        private final transient PromoteImageStep step;

        Execution(PromoteImageStep step, StepContext context, StepEnvironment environment) {
            super(step, context, environment);
            this.step = step;
        }

        @Override
        protected String execute(Call call) throws Exception {
            ImageArgument image = call.image(step.image);
            String target = RepositoryName.of(step.target == null ? "" : step.target.trim()).value();
            if (step.policy == null) {
                throw new AbortException("promoteImage: a policy is required (policy: 'name'): the registry promotes by a named"
                        + " policy whose promotion section names the target repository");
            }
            NamedPolicy named = call.config().findPolicy(step.policy);
            if (named != null && call.config().isPublishPolicies()) {
                // Jenkins owns its named policies: make the registry's latest version say what the configuration says.
                PolicyPublication published = call.service().publishPolicy(named.getDocument());
                if (!published.name().equals(step.policy)) {
                    throw new AbortException("promoteImage: the named policy '" + step.policy + "' holds a document named '"
                            + published.name() + "': the registry knows policies by the document's name; make them the same");
                }
                call.log().println("Gatehouse: " + published);
            }
            call.log().printf("Promoting %s → %s under policy %s%n", image, target, step.policy);
            PromotionOutcome outcome = call.service().promote(image, target, step.policy);
            PolicyVerdict verdict = outcome.verdict();
            call.run().addAction(new PromotionAction(image.toString(), target, outcome));
            for (PolicyVerdict.Condition c : verdict.conditions()) {
                call.log().printf("  [%s] %s: %s%n", c.passed() ? "PASS" : "FAIL", c.name(), c.reason() == null ? "" : c.reason());
            }
            if (!outcome.promoted()) {
                String reasons = verdict.conditions().stream().filter(c -> !c.passed())
                        .map(c -> "  - " + c.name() + ": " + c.reason()).collect(Collectors.joining("\n"));
                throw new AbortException("promoteImage: " + image + " was not promoted to " + target
                        + (verdict.policy() == null ? "" : ": policy '" + verdict.policy() + "' does not hold")
                        + (reasons.isEmpty() ? "" : "\n" + reasons));
            }
            call.log().println("Promoted: " + outcome.promotedReference());
            if (outcome.signedBy() != null) {
                call.log().println("  signed by the registry's key " + outcome.signedBy());
            }
            if (outcome.provenance() != null) {
                call.log().println("  provenance record " + outcome.provenance());
            }
            return outcome.promotedReference();
        }
    }

    @Extension
    @Symbol("promoteImage")
    public static class DescriptorImpl extends GatehouseStepDescriptor {
        @Override
        public String getFunctionName() {
            return "promoteImage";
        }

        @Override
        public String getDisplayName() {
            return "Promote an image to another repository when a policy holds";
        }



        /** Required; published in the registry and promoting to the target (or published by the plugin first). */
        @POST
        public FormValidation doCheckPolicy(@AncestorInPath Item item, @QueryParameter String value, @QueryParameter String target) {
            Forms.checkConfigure(item);
            if (value == null || value.isBlank()) {
                return FormValidation.error("A policy is required: the registry promotes by a named policy whose promotion section names the target");
            }
            return Forms.toFormValidation(io.gatehouse.jenkins.RegistryProbes.promotionPolicy(value.trim(), target));
        }

        @POST
        public FormValidation doCheckTarget(@AncestorInPath Item item, @QueryParameter String value) {
            Forms.checkConfigure(item);
            return Forms.toFormValidation(ConfigChecks.repository(value));
        }
    }
}
