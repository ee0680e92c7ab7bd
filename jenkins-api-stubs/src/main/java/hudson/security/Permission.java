// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/security/Permission.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.security;

public final class Permission {
    // A sentinel instance (not a compile-time constant) so that Jenkins.ADMINISTER keeps the real initializer text.
    public static final Permission HUDSON_ADMINISTER = new Permission();

    private Permission() {
    }
}
