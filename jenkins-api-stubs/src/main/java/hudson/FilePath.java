// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/FilePath.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson;

import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;

public final class FilePath {
    public FilePath(File localPath) {
    }

    // The real interface also extends org.jenkinsci.remoting.RoleSensitive; jenkins.MasterToSlaveFileCallable implements it.
    public interface FileCallable<T> extends Serializable {
        T invoke(File f, VirtualChannel channel) throws IOException, InterruptedException;
    }

    public <T> T act(final FileCallable<T> callable) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
