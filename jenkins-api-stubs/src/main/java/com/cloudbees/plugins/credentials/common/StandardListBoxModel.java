// Source: jenkinsci/credentials-plugin@1405.vb_cda_74a_f8974 src/main/java/com/cloudbees/plugins/credentials/common/StandardListBoxModel.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package com.cloudbees.plugins.credentials.common;

public class StandardListBoxModel extends AbstractIdCredentialsListBoxModel<StandardListBoxModel, StandardCredentials> {
}
