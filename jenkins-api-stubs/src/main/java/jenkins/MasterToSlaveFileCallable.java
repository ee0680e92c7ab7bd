// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/jenkins/MasterToSlaveFileCallable.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package jenkins;

import hudson.FilePath.FileCallable;

// The real class implements checkRoles(RoleChecker) (agent-side role check); subclasses inherit it at run time.
public abstract class MasterToSlaveFileCallable<T> implements FileCallable<T> {
}
