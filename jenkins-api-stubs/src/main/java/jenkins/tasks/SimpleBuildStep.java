// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/jenkins/tasks/SimpleBuildStep.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package jenkins.tasks;

import hudson.model.Action;
import java.util.Collection;

public interface SimpleBuildStep {
    interface LastBuildAction extends Action {
        Collection<? extends Action> getProjectActions();
    }
}
