// Source: jenkinsci/workflow-api-plugin@1358.vfb_5780da_64cb_ src/main/java/org/jenkinsci/plugins/workflow/graph/FlowNode.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.jenkinsci.plugins.workflow.graph;

import hudson.model.Action;

public abstract class FlowNode {
    private FlowNode() {
    }

    public boolean addOrReplaceAction(Action a) {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
