// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/model/queue/Tasks.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.model.queue;

import hudson.model.Queue;
import org.springframework.security.core.Authentication;

public class Tasks {
    private Tasks() {
    }

    public static Authentication getAuthenticationOf2(Queue.Task t) {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
