// Source: jenkinsci/plain-credentials-plugin@183.va_de8f1dd5a_2b_ src/main/java/org/jenkinsci/plugins/plaincredentials/StringCredentials.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package org.jenkinsci.plugins.plaincredentials;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.util.Secret;

public interface StringCredentials extends StandardCredentials {
    Secret getSecret();
}
