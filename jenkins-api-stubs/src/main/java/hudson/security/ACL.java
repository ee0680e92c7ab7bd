// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/security/ACL.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.security;

import org.springframework.security.core.Authentication;

public abstract class ACL {
    public static final Authentication SYSTEM2 = null;

    private ACL() {
    }
}
