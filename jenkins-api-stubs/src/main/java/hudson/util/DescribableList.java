// Source: jenkinsci/jenkins@jenkins-2.479.3 core/src/main/java/hudson/util/DescribableList.java
// Compile-only stub of the real declaration (signatures only; see jenkins-api-stubs/README.md). Never packaged.
package hudson.util;

import hudson.model.Describable;
import hudson.model.Descriptor;

public class DescribableList<T extends Describable<T>, D extends Descriptor<T>> {
    private DescribableList() {
    }

    public <U extends T> U get(Class<U> type) {
        throw new UnsupportedOperationException("compile-only stub");
    }
}
