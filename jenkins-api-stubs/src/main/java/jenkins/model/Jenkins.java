// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/jenkins/model/Jenkins.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package jenkins.model;

import hudson.ProxyConfiguration;
import hudson.model.ItemGroup;
import hudson.model.TopLevelItem;
import hudson.security.AccessControlled;
import hudson.security.Permission;

public class Jenkins implements ItemGroup<TopLevelItem>, AccessControlled {
    public static final Permission ADMINISTER = Permission.HUDSON_ADMINISTER;

    private Jenkins() {
    }

    public ProxyConfiguration getProxy() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public static Jenkins get() throws IllegalStateException {
        throw new UnsupportedOperationException("compile-only stub");
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
