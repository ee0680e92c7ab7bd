// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/model/Job.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.model;

public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> {
    private Job() {
    }

    public ItemGroup getParent() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public RunT getLastBuild() {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
