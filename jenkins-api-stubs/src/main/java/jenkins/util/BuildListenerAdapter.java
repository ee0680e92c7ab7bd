// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/jenkins/util/BuildListenerAdapter.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package jenkins.util;

import hudson.model.BuildListener;
import hudson.model.TaskListener;

public final class BuildListenerAdapter implements BuildListener {
    private BuildListenerAdapter() {
    }

    public static BuildListener wrap(TaskListener l) {
        throw new UnsupportedOperationException("compile-only stub");
    }

    @Override
    public java.io.PrintStream getLogger() {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
