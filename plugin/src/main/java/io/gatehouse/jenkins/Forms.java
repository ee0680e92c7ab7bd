package io.gatehouse.jenkins;

import hudson.model.Item;
import hudson.util.FormValidation;
import io.gatehouse.jenkins.service.Check;
import jenkins.model.Jenkins;

/** The two things every form method does before its plain-Java rule: check permission, and map the result. */
public final class Forms {
    private Forms() {
    }

    /** Global configuration forms: Overall/Administer. Per-job forms (snippet generator): Item/Configure on that job. */
    public static void checkConfigure(Item item) {
        if (item == null) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        } else {
            item.checkPermission(Item.CONFIGURE);
        }
    }

    /** Like {@link #checkConfigure} but answers instead of throwing, for fill methods that return an empty list. */
    public static boolean canConfigure(Item item) {
        return item == null ? Jenkins.get().hasPermission(Jenkins.ADMINISTER) : item.hasPermission(Item.CONFIGURE);
    }

    public static FormValidation toFormValidation(Check check) {
        return switch (check.kind()) {
            case OK -> check.message() == null ? FormValidation.ok() : FormValidation.ok(check.message());
            case WARNING -> FormValidation.warning(check.message());
            case ERROR -> FormValidation.error(check.message());
        };
    }
}
