// Source: jenkinsci/workflow-step-api-plugin@678.v3ee58b_469476 src/main/java/org/jenkinsci/plugins/workflow/steps/StepDescriptor.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.jenkinsci.plugins.workflow.steps;

import hudson.model.Descriptor;
import java.util.Set;

public abstract class StepDescriptor extends Descriptor<Step> {
    public abstract Set<? extends Class<?>> getRequiredContext();

    public abstract String getFunctionName();
}
