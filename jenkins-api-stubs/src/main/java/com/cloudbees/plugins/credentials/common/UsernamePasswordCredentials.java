// Source: jenkinsci/credentials-plugin@1453.v9b_a_29777a_b_fd src/main/java/com/cloudbees/plugins/credentials/common/UsernamePasswordCredentials.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package com.cloudbees.plugins.credentials.common;

public interface UsernamePasswordCredentials extends UsernameCredentials, PasswordCredentials {
}
