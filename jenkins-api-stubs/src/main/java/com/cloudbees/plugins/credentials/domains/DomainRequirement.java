// Source: jenkinsci/credentials-plugin@1453.v9b_a_29777a_b_fd src/main/java/com/cloudbees/plugins/credentials/domains/DomainRequirement.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package com.cloudbees.plugins.credentials.domains;

import hudson.ExtensionPoint;
import java.io.Serializable;

public class DomainRequirement implements ExtensionPoint, Serializable {
}
