// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/FilePath.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson;

import java.io.File;

public final class FilePath {
    public FilePath(File localPath) {
    }
}
