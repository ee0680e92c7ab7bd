// Source: jenkinsci/workflow-api-plugin@1358.vfb_5780da_64cb_ src/main/java/org/jenkinsci/plugins/workflow/actions/WarningAction.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.jenkinsci.plugins.workflow.actions;

import hudson.model.Action;
import hudson.model.Result;

public class WarningAction implements Action {
    public WarningAction(Result result) {
    }

    public WarningAction withMessage(String message) {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public String getMessage() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public Result getResult() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    @Override
    public String getIconFileName() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    @Override
    public String getUrlName() {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
