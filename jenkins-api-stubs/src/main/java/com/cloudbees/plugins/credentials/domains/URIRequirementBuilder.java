// Source: jenkinsci/credentials-plugin@1405.vb_cda_74a_f8974 src/main/java/com/cloudbees/plugins/credentials/domains/URIRequirementBuilder.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package com.cloudbees.plugins.credentials.domains;

import java.util.List;

public class URIRequirementBuilder {
    private URIRequirementBuilder(List<DomainRequirement> requirements) {
    }

    public static URIRequirementBuilder fromUri(String uri) {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public List<DomainRequirement> build() {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
