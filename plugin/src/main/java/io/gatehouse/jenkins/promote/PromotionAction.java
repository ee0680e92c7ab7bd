package io.gatehouse.jenkins.promote;

import hudson.model.Run;
import io.gatehouse.jenkins.service.PolicyVerdict;
import io.gatehouse.jenkins.service.PromotionOutcome;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * promoteImage's verdict on the build page (summary.jelly): the image, the target, the policy, whether it was
 * promoted, and each condition of the policy with its result and detail (expected, actual, reason), as the registry
 * judged it. Attached whether or not the promotion happened: a refusal is when people read it.
 * Stored in build.xml by XStream, hence plain fields.
 */
public class PromotionAction implements RunAction2 {
    private final String image;
    private final String target;
    private final String policy;
    private final boolean promoted;
    private final String promotedReference;
    private final String signedBy;
    private final String provenance;
    private final List<Condition> conditions;
    private transient Run<?, ?> run;

    public PromotionAction(String image, String target, PromotionOutcome outcome) {
        this.image = image;
        this.target = target;
        this.policy = outcome.verdict().policy();
        this.promoted = outcome.promoted();
        this.promotedReference = outcome.promotedReference();
        this.signedBy = outcome.signedBy();
        this.provenance = outcome.provenance();
        List<Condition> cs = new ArrayList<>();
        for (PolicyVerdict.Condition c : outcome.verdict().conditions()) {
            cs.add(new Condition(c.name(), c.passed(), c.reason()));
        }
        this.conditions = cs;
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "Gatehouse promotion: " + image + " → " + target;
    }

    @Override
    public String getUrlName() {
        return null;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    public Run<?, ?> getRun() { return run; }
    public String getImage() { return image; }
    public String getTarget() { return target; }
    public String getPolicy() { return policy; }
    public boolean isPromoted() { return promoted; }
    public String getPromotedReference() { return promotedReference; }
    public String getSignedBy() { return signedBy; }
    public String getProvenance() { return provenance; }
    public List<Condition> getConditions() { return conditions == null ? List.of() : List.copyOf(conditions); }

    /** How many conditions held, of how many ("3 of 4 conditions hold"). */
    public String getTally() {
        long held = getConditions().stream().filter(Condition::isPassed).count();
        return held + " of " + getConditions().size() + " conditions hold";
    }

    /** One condition of the policy and the registry's verdict on it. */
    public static final class Condition {
        private final String name;
        private final boolean passed;
        private final String detail;

        public Condition(String name, boolean passed, String detail) {
            this.name = name;
            this.passed = passed;
            this.detail = detail;
        }

        public String getName() { return name; }
        public boolean isPassed() { return passed; }
        public String getDetail() { return detail; }
    }
}
