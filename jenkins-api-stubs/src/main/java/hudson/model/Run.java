// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/model/Run.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.model;

import java.io.IOException;
import java.util.List;
import jenkins.model.ArtifactManager;

public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> {
    private Run() {
    }

    public JobT getParent() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public int getNumber() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public RunT getPreviousBuild() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public <T extends Action> List<T> getActions(Class<T> type) {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public void addAction(Action a) {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public Result getResult() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public void setResult(Result r) {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public String getExternalizableId() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public final synchronized ArtifactManager pickArtifactManager() throws IOException {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
