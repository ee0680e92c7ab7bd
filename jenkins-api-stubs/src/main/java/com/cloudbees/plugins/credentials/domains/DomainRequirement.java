// Source: jenkinsci/credentials-plugin@1405.vb_cda_74a_f8974 src/main/java/com/cloudbees/plugins/credentials/domains/DomainRequirement.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package com.cloudbees.plugins.credentials.domains;

import hudson.ExtensionPoint;
import java.io.Serializable;

public class DomainRequirement implements ExtensionPoint, Serializable {
}
