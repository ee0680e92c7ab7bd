// Source: jenkinsci/workflow-step-api-plugin@678.v3ee58b_469476 src/main/java/org/jenkinsci/plugins/workflow/steps/StepContext.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.jenkinsci.plugins.workflow.steps;

import java.io.IOException;
import java.io.Serializable;

public abstract class StepContext implements Serializable {
    public abstract <T> T get(Class<T> key) throws IOException, InterruptedException;
}
