// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/util/Secret.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.util;

import java.io.Serializable;

public final class Secret implements Serializable {
    private Secret() {
    }

    public String getPlainText() {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public static Secret fromString(String data) {
        throw new UnsupportedOperationException("compile-only stub");
    }

    public static String toString(Secret s) {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
