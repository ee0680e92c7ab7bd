// Source: jenkinsci/workflow-step-api-plugin@678.v3ee58b_469476 src/main/java/org/jenkinsci/plugins/workflow/steps/StepExecution.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;

// Constructors are empty (not throwing) so that plugin executions can be instantiated in unit tests.
public abstract class StepExecution implements Serializable {
    protected StepExecution(StepContext context) {
    }

    public StepContext getContext() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public abstract boolean start() throws Exception;
}
