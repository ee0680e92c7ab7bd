// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/ProxyConfiguration.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson;

import hudson.util.Secret;
import java.util.List;
import java.util.regex.Pattern;

public final class ProxyConfiguration {
    public final String name;
    public final int port;

    private ProxyConfiguration() {
        this.name = null;
        this.port = 0;
    }

    public String getUserName() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public Secret getSecretPassword() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public List<Pattern> getNoProxyHostPatterns() {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
