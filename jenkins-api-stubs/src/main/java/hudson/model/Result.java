// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/model/Result.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.model;

import java.io.Serializable;

public final class Result implements Serializable {
    // Distinct sentinel instances (not compile-time constants) so that unit tests can tell them apart.
    public static final Result SUCCESS = new Result("SUCCESS");
    public static final Result UNSTABLE = new Result("UNSTABLE");
    public static final Result FAILURE = new Result("FAILURE");

    private final String name;

    private Result(String name) {
        this.name = name;
    }

    public boolean isWorseThan(Result that) {
        throw new UnsupportedOperationException("compile-only stub");
    }

    @Override
    public String toString() {
        return name;
    }
}
